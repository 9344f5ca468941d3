-- How each layer version was made (issue 17 part 6): the whole file (replace), or the version serving before it plus
-- the file's features (append: new ids only; update: new ids added, known ones replaced), and the --where and
-- --select it was read with. Every mode is a version of its own, so past dates still answer from the one before.
ALTER TABLE layer_versions
    ADD COLUMN import_mode text NOT NULL DEFAULT 'replace' CHECK (import_mode IN ('replace', 'append', 'update')),
    -- append and update: the layer_versions id it was built on (no foreign key: dropping a layer drops its versions together).
    ADD COLUMN based_on integer,
    ADD COLUMN source_filter text;
