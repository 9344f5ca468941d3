-- Whether every serving area layer has had the cases placed in it.
SELECT NOT EXISTS (SELECT FROM layers l WHERE l.kind = 'area' AND l.current_version IS NOT NULL
                   AND NOT EXISTS (SELECT FROM case_area_marks m WHERE m.version_id = l.current_version))
