select 1;
-- c
select
2;
!set format=csv
select 'a;b' as x; select "q;""" from t;
