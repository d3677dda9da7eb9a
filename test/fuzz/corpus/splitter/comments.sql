/* block ; */ select 1 // line ; 
; select 'it\'s;' ;
!source other.sql;
