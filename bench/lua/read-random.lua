-- GET /read at a random offset of partition r (RECORDS records, from the environment)
local n = tonumber(os.getenv("RECORDS") or "1000000")
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/read?partition=r&offset=" .. math.random(0, n - 1))
end
