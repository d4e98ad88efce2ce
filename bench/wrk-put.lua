-- wrk script: PUT of a 100-byte value under a random key, /v1/kv/put-<thread>-<random 0..10^9>, so nearly
-- every write creates a key. nginx gets the same requests (its fixed answer discards the body).
dofile(os.getenv("BENCH_LUA_DIR") .. "/wrk-report.lua")

local body = string.rep("v", 100)
local headers = { ["Content-Type"] = "application/octet-stream" }
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function init(args)
  math.randomseed(2000 + (thread_id or 0))
  prefix = "/v1/kv/put-" .. (thread_id or 0) .. "-"
end

function request()
  return wrk.format("PUT", prefix .. math.random(0, 999999999), headers, body)
end
