-- wrk script: every request asks for a different page of the inbox, so the page cache rarely helps.
request = function()
  return wrk.format(nil, "/api/folders/Inbox/messages?limit=50&before=" .. math.random(100, 100000))
end
