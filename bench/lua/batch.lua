-- POST /publish/batch: 100 records of 100-byte JSON values (a 98-character string plus quotes) per request
local record = '{"data":"' .. string.rep("x", 98) .. '","data_type":0}'
local records = {}
for i = 1, 100 do records[i] = record end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"partition_key":"b","records":[' .. table.concat(records, ",") .. ']}'
