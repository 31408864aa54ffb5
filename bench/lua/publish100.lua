-- POST /publish of one 100-byte JSON value (a 98-character string plus quotes)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"data":"' .. string.rep("x", 98) .. '","data_type":0,"partition_key":"p"}'
