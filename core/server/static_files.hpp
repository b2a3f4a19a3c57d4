#pragma once

// The dashboard's files, served from one folder (the web root) for every GET outside /api that
// no route takes. Public: the page itself holds no data, the /api calls it makes need the key.

#include <filesystem>

#include "server/message.hpp"

namespace connhost::server {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);

  // "/" and any path ending in "/" serve that folder's index.html. A '.' or '..' segment (also
  // percent-encoded), a hidden file or a path leaving the root through a link: 400 / 404.
  Response operator()(const Request& request) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

// Where the dashboard is when [server] web_root is not set: share/connhost/web under the
// binary's install prefix when it exists, else the source tree's web/ (CONNHOST_WEB_ROOT), which
// is what a build tree uses.
std::filesystem::path default_web_root();

}  // namespace connhost::server
