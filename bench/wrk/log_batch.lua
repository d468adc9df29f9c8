-- wrk script: POST log-batch with N metrics per request to one of several runs.
-- Set by the harness through environment variables:
--   CAIRN_RUN_IDS  comma-separated run ids, used round robin
--   CAIRN_BATCH    metric points per call (default 10)
--   CAIRN_KEYS     distinct metric keys per call (default = CAIRN_BATCH); with fewer keys than points, each
--                  key gets several consecutive steps, as a training loop that flushes every few steps does
--   CAIRN_AUTHORIZATION  an Authorization header value for a server with authentication on (optional)
local run_ids = {}
for id in string.gmatch(os.getenv("CAIRN_RUN_IDS") or "", "[^,]+") do run_ids[#run_ids + 1] = id end
local batch = tonumber(os.getenv("CAIRN_BATCH") or "10")
local keys = tonumber(os.getenv("CAIRN_KEYS") or tostring(batch))
local steps_per_call = math.ceil(batch / keys)
local counter = 0

wrk.method = "POST"
wrk.path = "/api/2.0/mlflow/runs/log-batch"
wrk.headers["Content-Type"] = "application/json"
local authorization = os.getenv("CAIRN_AUTHORIZATION")
if authorization and authorization ~= "" then wrk.headers["Authorization"] = authorization end

request = function()
  counter = counter + 1
  local run_id = run_ids[(counter % #run_ids) + 1]
  local parts = {}
  for i = 1, batch do
    local key = ((i - 1) % keys) + 1
    local step = counter * steps_per_call + math.floor((i - 1) / keys)
    parts[i] = string.format('{"key":"m%d","value":%d.5,"timestamp":1700000000000,"step":%d}', key, counter, step)
  end
  local body = '{"run_id":"' .. run_id .. '","metrics":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format(nil, nil, nil, body)
end
