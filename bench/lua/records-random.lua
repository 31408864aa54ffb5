-- GET /records of MAX consecutive records from a random offset of partition r
local n = tonumber(os.getenv("RECORDS") or "1000000")
local max = tonumber(os.getenv("MAX") or "1000")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/records?partition=r&max=" .. max .. "&offset=" .. math.random(0, n - max))
end
