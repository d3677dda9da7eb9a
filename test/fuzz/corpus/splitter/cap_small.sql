
select 1;
select 'aaaa;aaaaaaaa'  
;
!define x=cccccccccccc
select $$ b; $$;
select 2