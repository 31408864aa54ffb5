-- One request per partition PREFIX0 .. PREFIX(N-1), each once, spread over wrk's threads; then stops.
-- MODE=publish: POST /publish of one record (creates the partition); MODE=read: GET /read offset 0;
-- MODE=hot: GET /read offset 0 of PREFIX0, N times (the bound for cold reads: nothing is cold).
-- Env: N, PREFIX (default p), MODE (default publish), THREADS (must equal wrk -t, default 2), DONE_DIR.
-- wrk runs for its whole -d even when every thread stopped, so each thread writes DONE_DIR/done-<i>
-- ("<epoch ns> <non-200 answers>") when all its requests were answered; bench/scale.sh waits for those
-- files and then stops wrk. wrk drops the first request a thread generates: the caller sends that one again.
local n = tonumber(os.getenv("N"))
local prefix = os.getenv("PREFIX") or "p"
local mode = os.getenv("MODE") or "publish"
local threads = tonumber(os.getenv("THREADS") or "2")
local next_id = 0
function setup(thread)
  thread:set("first", next_id)
  next_id = next_id + 1
end
local k, sent, answered, failed
local finished = false
function init(args)
  k = first
  sent = 0
  answered = 0
  failed = 0
end
request = function()
  if k >= n then
    return wrk.format("GET", "/health/live")
  end
  local key = prefix .. k
  k = k + threads
  sent = sent + 1
  if mode == "read" then
    return wrk.format("GET", "/read?partition=" .. key .. "&offset=0")
  end
  if mode == "hot" then -- N reads of PREFIX0 only: the same requests with nothing cold
    return wrk.format("GET", "/read?partition=" .. prefix .. "0&offset=0")
  end
  return wrk.format("POST", "/publish", {["Content-Type"] = "application/json"},
    '{"partition_key":"' .. key .. '","data_type":2,"data":"one record"}')
end
response = function(status, headers, body)
  answered = answered + 1
  if status ~= 200 then
    failed = failed + 1
  end
  if k >= n and answered >= sent and not finished then
    finished = true
    local clock = io.popen("date +%s%N")
    local t = clock:read("*l")
    clock:close()
    local out = io.open(os.getenv("DONE_DIR") .. "/done-" .. first, "w")
    out:write(t .. " " .. failed .. "\n")
    out:close()
    wrk.thread:stop()
  end
end
