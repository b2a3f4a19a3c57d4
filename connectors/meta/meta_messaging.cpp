#include "meta_messaging.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "meta_parse.hpp"

namespace meta::messaging {
namespace json = boost::json;
using connhost::Error;

namespace {

size_t utf8_length(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool is_url(std::string_view s) {
  return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
}

}  // namespace

connhost::HttpRequest send_request(const Settings& s, std::string_view access_token,
                                   const Outgoing& m) {
  if (m.recipient.empty()) throw Error::data("a Meta send needs the recipient's PSID or IGSID");
  if (m.sender.empty() || m.sender.find_first_of("/?#&") != std::string::npos)
    throw Error::config("the sending Page or Instagram account id is missing or invalid");
  json::object message;
  if (m.type == "text") {
    // §3.5: UTF-8 text under 2000 characters (Instagram: 1000 bytes, which Meta checks itself).
    if (m.text.empty()) throw Error::data("a text message needs text");
    if (utf8_length(m.text) > 2000)
      throw Error::data("Meta text messages are at most 2000 characters");
    message["text"] = m.text;
  } else if (m.type == "image") {
    if (m.media.empty()) throw Error::data("an image message needs an image URL or attachment id");
    json::object payload;
    if (is_url(m.media))
      payload["url"] = m.media;
    else
      payload["attachment_id"] = m.media;
    message["attachment"] = json::object{{"type", "image"}, {"payload", std::move(payload)}};
  } else {
    throw Error::data("Meta messages are sent as text or image, not '" + m.type + "'");
  }
  // §3.5: RESPONSE, a reply inside the 24-hour standard window; outside it Meta answers 10.
  json::object body{{"recipient", json::object{{"id", m.recipient}}},
                    {"messaging_type", "RESPONSE"},
                    {"message", std::move(message)}};
  if (!m.reply_to.empty()) body["reply_to"] = json::object{{"mid", m.reply_to}};
  connhost::HttpRequest r;
  r.method = "POST";
  r.url = s.base_url + "/" + s.api_version + "/" + m.sender + "/messages";
  r.headers.emplace_back("Authorization", "Bearer " + std::string(access_token));
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = json::serialize(body);
  return r;
}

std::string parse_send(int status, std::string_view body, const Settings& s) {
  constexpr std::string_view kWhat = "send message";
  if (auto e = error_envelope(body)) {
    std::string detail = " (Meta code " + std::to_string(e->code) + ", subcode " +
                         std::to_string(e->subcode) +
                         (e->fbtrace_id.empty() ? "" : ", fbtrace_id " + e->fbtrace_id) +
                         "): " + e->message.substr(0, 200);
    // §3.5 (and Meta's error-code page for Instagram): outside the 24-hour standard window.
    if (e->code == 10 && (e->subcode == 2018278 || e->subcode == 2534022))
      throw Error::data(
          "the 24-hour messaging window is closed: the user last wrote more than 24 hours ago, "
          "so Meta only takes tagged messages (HUMAN_AGENT)" +
          detail);
    if (e->code == 100 && (e->subcode == 2018001 || e->subcode == 2534014))
      throw Error::data(
          "no matching user: the recipient has never written to this Page or "
          "account" +
          detail);
    throw classify(status, body, Usage{}, s.usage_stop_pct, s.throttle_default_retry, {}, kWhat);
  }
  if (status < 200 || status >= 300)
    throw classify(status, body, Usage{}, s.usage_stop_pct, s.throttle_default_retry, {}, kWhat);
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  const json::object* o = ec ? nullptr : v.if_object();
  const json::value* id = o ? o->if_contains("message_id") : nullptr;
  if (!id || !id->is_string() || id->get_string().empty())
    throw Error::data("Meta send message: the answer has no message_id");
  return std::string(id->get_string());
}

}  // namespace meta::messaging
