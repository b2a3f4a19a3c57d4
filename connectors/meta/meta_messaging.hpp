// The Messenger and Instagram Send API (meta-google.md §3.5): the request and its answer. Pure: no
// Call, no I/O. Webhooks in: meta_webhook.hpp.
#pragma once

#include <connhost/connector.hpp>

#include <string>
#include <string_view>

#include "meta_requests.hpp"

namespace meta::messaging {

struct Outgoing {
  std::string sender;     // the Page or IG account id; "me" with a Page token
  std::string recipient;  // PSID or IGSID
  std::string type;       // "text" | "image"
  std::string text;
  std::string media;     // image: an https URL, or an attachment_id from the attachment upload API
  std::string reply_to;  // a message id (mid)
};

// POST {base}/{version}/{sender}/messages, JSON {recipient:{id}, messaging_type:"RESPONSE",
// message:{text} | message:{attachment:{type:"image", payload:{url|attachment_id}}}}, the token
// as a Bearer header (kept out of URLs). Error::data for what Meta would refuse anyway: another
// type, an empty text or one over 2000 characters, an image without a URL or id, no recipient.
connhost::HttpRequest send_request(const Settings& s, std::string_view access_token,
                                   const Outgoing& message);

// {"recipient_id","message_id"}: the message_id. Errors: code 10 with subcode 2018278
// (Messenger) or 2534022 (Instagram), a send outside the 24-hour standard window, is Error::data
// saying so; 100/2018001 and 100/2534014 (no such user for this Page) are Error::data; the rest
// as classify() (meta_parse.hpp): 190 auth, 4/17/32/613 quota, 5xx transient, ...
std::string parse_send(int status, std::string_view body, const Settings& s);

}  // namespace meta::messaging
