#include "server/static_files.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include "server/errors.hpp"

namespace connhost::server {
namespace fs = std::filesystem;

namespace {

constexpr uintmax_t kMaxFileBytes = 32u * 1024 * 1024;

const std::map<std::string, std::string, std::less<>> kTypes = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
};

std::string content_type(const fs::path& p) {
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

// Whether `p` (canonical) is `root` or inside it, compared element by element so that
// "/srv/web2" is not taken for a child of "/srv/web".
bool inside(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q)
    if (q == p.end() || *r != *q) return false;
  return true;
}

}  // namespace

StaticFiles::StaticFiles(fs::path root) : root_(std::move(root)) {}

Response StaticFiles::operator()(const Request& req) const {
  fs::path rel;
  for (const auto& seg : req.segments) {
    if (seg.empty()) continue;  // "//" and a trailing "/"
    // Segments are already decoded, so "%2e%2e" arrives here as "..", and "%2f" inside one as a
    // slash that must not start a new path element.
    if (seg == "." || seg == ".." ||
        seg.find_first_of(std::string_view("/\\\0", 3)) != std::string::npos)
      throw HttpError(400, "bad_path", "'.' and '..' are not allowed in a path");
    if (seg.starts_with('.')) throw NotFound("no file " + req.path);
    rel /= seg;
  }
  if (req.segments.empty() || req.segments.back().empty()) rel /= "index.html";
  std::error_code ec;
  fs::path root = fs::weakly_canonical(root_, ec);
  if (ec || !fs::is_directory(root, ec))
    throw NotFound("no dashboard installed (the web root is missing)");
  fs::path file = fs::weakly_canonical(root / rel, ec);
  // Links may point anywhere; what is served must still be under the root.
  if (ec || !inside(root, file) || !fs::is_regular_file(file, ec))
    throw NotFound("no file " + req.path);
  if (fs::file_size(file, ec) > kMaxFileBytes || ec) throw NotFound("no file " + req.path);
  std::ifstream in(file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  Response r;
  r.content_type = content_type(file);
  r.body = std::move(body).str();
  // The dashboard changes with the binary; a browser must check, not assume.
  r.headers.emplace_back("Cache-Control", "no-cache");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

fs::path default_web_root() {
  // Installed: <prefix>/bin/connhost next to <prefix>/share/connhost/web. Tried first, so that
  // an installed binary never serves the checkout it was built from.
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  fs::path installed = exe.parent_path().parent_path() / "share" / "connhost" / "web";
  if (!ec && fs::is_directory(installed, ec)) return installed;
#ifdef CONNHOST_WEB_ROOT
  return CONNHOST_WEB_ROOT;
#else
  return installed;
#endif
}

}  // namespace connhost::server
