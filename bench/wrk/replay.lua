-- Sends prepared requests, one per line of a file: method, path, headers and body separated by tabs,
-- headers separated by "|" as "Name: value". Each wrk thread takes every n-th line (n = thread count), so no
-- request is sent twice by two threads; with "once", a thread that runs out of lines stops rather than repeating
-- (an answer token may be recorded only once).
--   wrk -s bench/wrk/replay.lua http://127.0.0.1:8000 -- requests.tsv <threads> [once]
-- At the end it prints one line, "BENCH {json}", with the figures bench/run.py reads.

local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

local function split(text, separator)
  local parts = {}
  for part in (text .. separator):gmatch("(.-)" .. separator) do
    parts[#parts + 1] = part
  end
  return parts
end

function init(args)
  local file, step = args[1], tonumber(args[2])
  once = args[3] == "once"
  requests = {}
  local index = 0
  for line in io.lines(file) do
    if index % step == id then
      local fields = split(line, "\t")
      local headers = {}
      if fields[3] ~= "" then
        for _, header in ipairs(split(fields[3], "|")) do
          local name, value = header:match("^([^:]+):%s*(.*)$")
          headers[name] = value
        end
      end
      local body = fields[4]
      if body == "" then body = nil end
      requests[#requests + 1] = wrk.format(fields[1], fields[2], headers, body)
    end
    index = index + 1
  end
  position = 0
end

function request()
  position = position + 1
  if position > #requests then
    if once then
      wrk.thread:stop()
    end
    position = 1
  end
  return requests[position]
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"errors_connect": %d, "errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
