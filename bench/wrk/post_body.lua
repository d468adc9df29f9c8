-- wrk script: POST one fixed body to one path, set by the harness through environment variables:
--   CAIRN_PATH          the request path (e.g. /v2/models/lr/infer)
--   CAIRN_BODY          the body
--   CAIRN_CONTENT_TYPE  its Content-Type (default application/json)
wrk.method = "POST"
wrk.path = os.getenv("CAIRN_PATH")
wrk.headers["Content-Type"] = os.getenv("CAIRN_CONTENT_TYPE") or "application/json"
wrk.body = os.getenv("CAIRN_BODY")
