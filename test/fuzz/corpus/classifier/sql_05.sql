SELECT 'it''s' -- c
