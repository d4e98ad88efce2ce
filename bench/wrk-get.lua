-- wrk script: GET of a random existing key, /v1/kv/bench-<0..BENCH_KEYS-1> (the keys bench/http-wrk.sh
-- preloaded with 100-byte values). nginx gets the same requests and answers every path with its fixed body.
-- The requests are built once per thread in init(), so the client spends its time sending, not formatting.
dofile(os.getenv("BENCH_LUA_DIR") .. "/wrk-report.lua")

local keys = tonumber(os.getenv("BENCH_KEYS") or "10000")
local requests = {}
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function init(args)
  math.randomseed(1000 + (thread_id or 0))
  for i = 0, keys - 1 do
    requests[i + 1] = wrk.format("GET", "/v1/kv/bench-" .. i)
  end
end

function request()
  return requests[math.random(keys)]
end
