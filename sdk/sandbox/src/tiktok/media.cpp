// Message media (notes §3.3): multipart upload, download links, and the stand-in for TikTok's
// CDN that serves them.
#include <algorithm>

#include "tiktok/handlers.hpp"
#include "tiktok/messaging_access.hpp"

namespace connhost::sandbox::tiktok {
namespace {

constexpr size_t kMaxUpload = 3 * 1024 * 1024;  // 3 MB, JPG/PNG: GO (CONFLICT in notes §3.3)
constexpr int64_t kMediaLifetime = 30 * 86400;  // media_id valid 30 days (notes §3.3)
constexpr int64_t kDownloadLifetime = 86400;    // download_url valid 24 h (GO media_download.go)

// A 1x1 PNG: what the CDN serves for media the sandbox only knows by id.
const std::string& placeholder_png() {
  static const std::string png = [] {
    const char* hex =
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082";
    std::string bytes;
    for (const char* p = hex; p[0] && p[1]; p += 2)
      bytes += static_cast<char>(std::stoi(std::string(p, 2), nullptr, 16));
    return bytes;
  }();
  return png;
}

struct Part {
  std::string name, filename, content_type, data;
};

std::string header_attribute(std::string_view header, std::string_view attr) {
  std::string key = std::string(attr) + "=\"";
  size_t p = header.find(key);
  if (p == std::string_view::npos) return "";
  size_t start = p + key.size();
  size_t end = header.find('"', start);
  return end == std::string_view::npos ? "" : std::string(header.substr(start, end - start));
}

std::vector<Part> parse_multipart(const Request& r) {
  std::string_view ct = r.header("Content-Type").value_or("");
  size_t b = ct.find("boundary=");
  if (ct.find("multipart/form-data") == std::string_view::npos || b == std::string_view::npos)
    throw ApiError{40002, "Content-Type must be multipart/form-data."};
  std::string boundary(ct.substr(b + 9));
  if (auto semi = boundary.find(';'); semi != std::string::npos) boundary.resize(semi);
  if (boundary.size() >= 2 && boundary.front() == '"')
    boundary = boundary.substr(1, boundary.size() - 2);
  std::string delimiter = "--" + boundary;
  std::vector<Part> parts;
  const std::string& body = r.body;
  size_t pos = body.find(delimiter);
  while (pos != std::string::npos) {
    size_t start = pos + delimiter.size();
    if (body.compare(start, 2, "--") == 0) break;  // closing delimiter
    if (body.compare(start, 2, "\r\n") == 0) start += 2;
    size_t headers_end = body.find("\r\n\r\n", start);
    size_t next = body.find("\r\n" + delimiter, start);
    if (headers_end == std::string::npos || next == std::string::npos || headers_end > next)
      throw ApiError{40002, "The multipart body is malformed."};
    std::string_view headers(body.data() + start, headers_end - start);
    Part p;
    p.name = header_attribute(headers, "name");
    p.filename = header_attribute(headers, "filename");
    if (auto c = headers.find("Content-Type:"); c != std::string_view::npos) {
      size_t e = headers.find("\r\n", c);
      p.content_type =
          std::string(headers.substr(c + 13, e == std::string_view::npos ? e : e - c - 13));
      p.content_type.erase(0, p.content_type.find_first_not_of(' '));
    }
    p.data = body.substr(headers_end + 4, next - headers_end - 4);
    parts.push_back(std::move(p));
    pos = next + 2;
  }
  return parts;
}

std::string image_type(const std::string& bytes) {
  if (bytes.size() >= 8 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0) return "image/png";
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xff\xd8\xff") == 0) return "image/jpeg";
  return "";
}

}  // namespace

Response media_upload(State& s, const Request& r) {
  Token t = require_access_token(s, r, kTtUser);
  auto parts = parse_multipart(r);
  auto field = [&](const char* name) -> const Part* {
    for (const auto& p : parts)
      if (p.name == name) return &p;
    return nullptr;
  };
  const Part* business = field("business_id");
  if (!business || business->data.empty())
    throw ApiError{40002, "business_id: Missing data for required field."};
  const Part* media_type = field("media_type");
  if (!media_type || media_type->data != "IMAGE")
    throw ApiError{40002, "media_type: Only IMAGE is supported."};
  const Part* file = field("file");
  if (!file || file->data.empty()) throw ApiError{40002, "file: Missing data for required field."};
  if (file->data.size() > kMaxUpload) throw ApiError{40002, "file: The file exceeds 3 MB."};
  std::string type = image_type(file->data);
  if (type.empty()) throw ApiError{40002, "file: Only JPG and PNG images are supported."};
  std::lock_guard lock(s.business.mutex());
  BusinessAccount& a = owned_account(s, t, business->data, "message.list.send");
  std::string id = s.business.new_media_id();
  s.business.media()[id] = Media{a.business_id, type, file->data, s.now() + kMediaLifetime};
  return envelope_ok(json::object{{"media_id", id}});
}

Response media_download(State& s, const Request& r) {
  Token t = require_access_token(s, r, kTtUser);
  json::object body = body_object(r);
  std::string business_id = required_body_text(body, "business_id");
  std::string conversation_id = required_body_text(body, "conversation_id");
  std::string message_id = required_body_text(body, "message_id");
  std::string media_id = required_body_text(body, "media_id");
  std::string media_type = required_body_text(body, "media_type");
  if (media_type != "IMAGE" && media_type != "VIDEO")
    throw ApiError{40002, "media_type: Invalid enum value " + media_type + "."};
  std::lock_guard lock(s.business.mutex());
  BusinessAccount& a = owned_account(s, t, business_id, "message.list.read");
  Conversation* c = s.business.conversation(a, conversation_id);
  if (!c) throw ApiError{40002, "Param conversation_id is invalid."};
  auto m = std::find_if(c->messages.begin(), c->messages.end(),
                        [&](const Message& x) { return x.message_id == message_id; });
  if (m == c->messages.end()) throw ApiError{40002, "Param message_id is invalid."};
  if (m->media_id != media_id) throw ApiError{40002, "Param media_id is invalid."};
  return envelope_ok(
      json::object{{"download_url", cdn_url(s, "im", media_id, s.now() + kDownloadLifetime)}});
}

// GET /tiktokcdn/{avatar|im}/<id>.jpeg?x-expires=&x-signature=. Message media also needs the
// header x-user: <Access-Token> (GO media_download.go); a CDN answers 403 to anything wrong.
Response cdn_media(State& s, const Request& r) {
  std::string_view path = r.path;
  path.remove_prefix(std::string_view("/tiktokcdn/").size());
  size_t slash = path.find('/');
  std::string kind(path.substr(0, slash == std::string_view::npos ? 0 : slash));
  std::string id(slash == std::string_view::npos ? "" : path.substr(slash + 1));
  if (id.size() > 5 && id.compare(id.size() - 5, 5, ".jpeg") == 0) id.resize(id.size() - 5);
  int64_t expires = 0;
  try {
    expires = std::stoll(r.param("x-expires").value_or("0"));
  } catch (const std::exception&) {
  }
  auto denied = [] { return Response::text(403, "Access Denied\n"); };
  if ((kind != "avatar" && kind != "im") || id.empty() || expires <= s.now() ||
      !cdn_signature_ok(s, kind, id, expires, r.param("x-signature").value_or("")))
    return denied();
  if (kind == "im") {
    auto user = r.header("x-user");
    auto t = user ? s.tokens().find(std::string(*user)) : std::nullopt;
    if (!t || t->family != kTtUser || t->kind != "access" || t->revoked ||
        (t->expires_at != 0 && t->expires_at <= s.now()))
      return denied();
    std::lock_guard lock(s.business.mutex());
    auto it = s.business.media().find(id);
    if (it != s.business.media().end())
      return Response::text(200, it->second.bytes, it->second.content_type);
  }
  return Response::text(200, placeholder_png(), "image/png");
}

}  // namespace connhost::sandbox::tiktok
