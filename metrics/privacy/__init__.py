"""Personal data: minimised at the door (redaction), kept no longer than needed (retention), and the rights of a
respondent (subjects, register)."""
