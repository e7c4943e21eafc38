-- wrk request generator for the bench, configured by environment variables:
--   BENCH_AUTH         bearer token (sent as Authorization)
--   BENCH_TOKENS_FILE  file of continuation tokens, one a line: each request picks one at random
--   BENCH_TOKEN        one fixed continuation token
--   BENCH_CREATE_DOMAIN  POST a new user with a unique name in this domain instead of a GET
-- At the end it prints one line `BENCHJSON {...}` with counts and latency percentiles (µs).
local auth = os.getenv("BENCH_AUTH")
local tokensFile = os.getenv("BENCH_TOKENS_FILE")
local fixedToken = os.getenv("BENCH_TOKEN")
local createDomain = os.getenv("BENCH_CREATE_DOMAIN")
local tokens = {}
local counter = 0
local prefix = ""

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
  prefix = string.format("b%d%d", os.time() % 100000, math.random(1000000))
  if tokensFile and tokensFile ~= "" then
    for line in io.lines(tokensFile) do tokens[#tokens + 1] = line end
  end
end

function request()
  local headers = {}
  if auth then headers["Authorization"] = "Bearer " .. auth end
  if createDomain and createDomain ~= "" then
    counter = counter + 1
    headers["Content-Type"] = "application/json"
    local body = string.format('{"userPrincipalName":"%s.%d@%s","displayName":"Bench User %s %d","firstName":"Bench","lastName":"User","usageLocation":"US","passwordProfile":{"password":"Bench!Pass%d","forceChangePassword":true}}',
      prefix, counter, createDomain, prefix, counter, counter)
    return wrk.format("POST", nil, headers, body)
  end
  if #tokens > 0 then
    headers["MS-ContinuationToken"] = tokens[math.random(#tokens)]
  elseif fixedToken and fixedToken ~= "" then
    headers["MS-ContinuationToken"] = fixedToken
  end
  return wrk.format("GET", nil, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCHJSON {"requests":%d,"durationUs":%d,"socketErrors":%d,"non2xx":%d,"p50Us":%d,"p99Us":%d,"meanUs":%.1f,"maxUs":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
