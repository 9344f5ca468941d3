SELECT code, name_fi, name_sv, name_en FROM task_types ORDER BY code;
