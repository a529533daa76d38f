-- wrk against an echo server (bench/contend_echo_server): every request is
-- itself a valid 64-byte HTTP response, so the echo it gets back parses as
-- one, and wrk counts a request per echo. One request in flight per
-- connection, as bench_server's `echo` at bytes=64.
--
-- wrk checks at start-up that request() returns a valid HTTP request, by
-- calling it once in the first thread's Lua state: that first call gets a
-- plain GET, every later one the response-shaped bytes. Run it with -t1
-- (another thread's first request would be a GET, echoed: one parse error).
local response = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: " .. string.rep("a", 21) .. "\r\n\r\n"
assert(#response == 64)
local calls = 0
request = function()
  calls = calls + 1
  if calls > 1 then return response end
  return wrk.format("GET", "/")
end
