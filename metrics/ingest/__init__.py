"""Survey responses in: the rules of one record (records, fastpath), reading CSV files (csvfile), and the two ways
into metrics_surveyresponse on Postgres: straight in while the file is read (direct), or through a staging table
where SQL finds repeated, already stored and conflicting external ids (staging, pipeline). The services that
decide and commit are in metrics.services.responses."""
