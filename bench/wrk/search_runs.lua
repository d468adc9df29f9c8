-- wrk script: POST runs/search with a fixed body given in CAIRN_SEARCH_BODY.
wrk.method = "POST"
wrk.path = "/api/2.0/mlflow/runs/search"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("CAIRN_SEARCH_BODY")

