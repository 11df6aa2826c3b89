-- Creates activities through the JSON API for scripts/bench-writes.sh, each request a new
-- activity with a key of its own (the run's name, the thread and a counter), titled in Chinese
-- and English, with a partner, one or two participants and tags of the benchmark's dataset.
--
--   wrk -s scripts/bench-writes.lua -H "Authorization: Bearer TOKEN" URL -- RUN ORGS PEOPLE UNITS
--
-- RUN names the run (keys must differ from every run before on the same database); ORGS, PEOPLE
-- and UNITS are how many of each `liaison bench-data` loaded, numbered from 1. At the end one
-- line, `writes<TAB>name=value…`, gives the creates, the answers that were not 2xx by status,
-- and the latency in milliseconds.

local threads = {}

function setup(thread)
    thread:set("id", #threads + 1)
    table.insert(threads, thread)
end

local KINDS = {
    { "inbound_visit", "%s代表团来访", "Delegation of %s visits the university" },
    { "outbound_trip", "我校代表团出访%s", "University delegation visits %s" },
    { "conference", "与%s联合举办劳动关系国际研讨会", "International conference on labour relations with %s" },
    { "lecture", "%s专家学术讲座", "Lecture by an expert of %s" },
    { "training_course", "%s工会干部培训班", "Training course for trade union cadres of %s" },
    { "signing_ceremony", "与%s签署合作备忘录", "Memorandum of cooperation signed with %s" },
    { "online_meeting", "与%s线上交流会", "Online meeting with %s" },
}
local PARTNERS = {
    { "老挝工会联合会", "the Lao Federation of Trade Unions" },
    { "越南劳动总联合会", "the Vietnam General Confederation of Labour" },
    { "俄罗斯独立工会联合会", "the Federation of Independent Trade Unions of Russia" },
    { "德国工会联合会", "the German Trade Union Confederation" },
    { "日本劳动组合总联合会", "the Japanese Trade Union Confederation" },
}
local TAGS = { "Belt and Road", "key project", "重点项目", "trade union cadre training", "joint program" }
local ROLES = { "leader", "delegation_member", "host", "speaker", "interpreter" }

function init(args)
    run = args[1] or "run"
    orgs = tonumber(args[2]) or 1
    people = tonumber(args[3]) or 1
    units = tonumber(args[4]) or 1
    created, failed, sent = 0, 0, 0
    statuses = {}
    first_error = ""
    math.randomseed(id * 7919 + #run)
    wrk.method = "POST"
    wrk.path = "/api/v1/activities"
    wrk.headers["Content-Type"] = "application/json"
end

local function pick(list) return list[math.random(#list)] end

function request()
    sent = sent + 1
    local kind = pick(KINDS)
    local partner = pick(PARTNERS)
    local leader = math.random(people)
    local participants = string.format('{"person": %d, "role": "%s"}', leader, "leader")
    if math.random(2) == 1 then
        local other = leader % people + 1
        participants = participants .. string.format(', {"person": %d, "role": "%s"}', other, pick(ROLES))
    end
    local month, day = math.random(12), math.random(28)
    local tags = string.format('"%s"', pick(TAGS))
    if math.random(3) == 1 then tags = tags .. ', "工会"' end
    local body = string.format([[{
  "key": "bench-%s-%d-%d", "kind": "%s",
  "title_zh": "%s（第%d批）", "title_en": "%s (group %d)",
  "summary_zh": "双方就职工权益保障、工会数字化建设等议题进行了深入交流。",
  "summary_en": "The two sides exchanged views on protecting workers' rights and digital trade unions.",
  "start_date": "2026-%02d-%02d", "start_part": "morning", "end_date": "2026-%02d-%02d", "end_part": "afternoon",
  "venue": "学术交流中心 Academic Exchange Centre", "host_unit": %d, "partners": [%d],
  "participants": [%s], "delegation_size": %d, "tags": [%s]
}]], run, id, sent, kind[1],
        string.format(kind[2], partner[1]), sent, string.format(kind[3], partner[2]), sent,
        month, day, month, day, math.random(units), math.random(orgs),
        participants, math.random(3, 12), tags)
    return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
    if status >= 200 and status < 300 then
        created = created + 1
    else
        failed = failed + 1
        statuses[status] = (statuses[status] or 0) + 1
        if first_error == "" then first_error = status .. " " .. string.sub(body or "", 1, 200) end
    end
end

function done(summary, latency, requests)
    local ok, bad, by_status, first = 0, 0, {}, ""
    for _, thread in ipairs(threads) do
        ok = ok + thread:get("created")
        bad = bad + thread:get("failed")
        for status, n in pairs(thread:get("statuses")) do
            by_status[status] = (by_status[status] or 0) + n
        end
        if first == "" then first = thread:get("first_error") end
    end
    local parts = {}
    for status, n in pairs(by_status) do table.insert(parts, n .. "×" .. status) end
    table.sort(parts)
    local seconds = summary.duration / 1e6
    -- Timeouts are answers never received: errors too.
    local lost = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
    if lost > 0 then table.insert(parts, lost .. "×lost") end
    io.write(string.format(
        "writes\tcreated=%d\terrors=%d\tper_s=%.1f\tp50=%.2f\tp99=%.2f\tmax=%.2f\tstatuses=%s\tfirst=%s\n",
        ok, bad + lost, ok / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000, table.concat(parts, " "), (string.gsub(first, "[\t\n]", " "))))
end
