-- What an admin reads as the audit trail: the audit log (sign-ins, reads of personal data, changes to users and
-- keys), every case change from the cases' timelines, and every layer import; one shape, newest first. Case events
-- and imports are not written twice: the view reads them where they are kept.
CREATE VIEW audit_trail AS
SELECT 'log:' || a.id AS id, a.at, a.actor, a.role, a.action, a.subject, a.detail, a.remote_address
FROM audit_log a
UNION ALL
SELECT 'case:' || e.id, e.at, e.actor, NULL, 'case-' || e.kind, 'case:' || c.service_request_id, e.data, NULL
FROM case_events e JOIN cases c ON c.id = e.case_id
UNION ALL
SELECT 'layer:' || v.id, v.loaded_at, v.loaded_by, NULL, 'layer-imported', 'layer:' || v.layer,
       jsonb_build_object('version', v.version, 'file', v.source_file, 'crs', v.source_crs, 'features', v.feature_count), NULL
FROM layer_versions v;

CREATE INDEX case_events_at ON case_events (at);
