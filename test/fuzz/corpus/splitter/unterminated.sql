select 'open
; select 2