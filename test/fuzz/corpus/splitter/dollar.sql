
create procedure p() returns int language sql as $$ begin return 1; end $$;
select a$$b from t;
