0E-- c
select "ident;ifier" /* ; */ xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx   	

;select 3;