"""Moving data between the mirror tables and Fiken: ``pull`` (Fiken → mirror) and push."""
