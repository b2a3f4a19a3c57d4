#pragma once

#include <connhost/sandbox/sandbox.hpp>

#include <filesystem>
#include <fstream>
#include <string>

namespace connhost::test {

// The sandbox's TikTok and Meta messaging connections; `small` takes at most 1024 bytes.
// `store` is the body of the [store] table; a plain name is a SQLite file.
inline std::string inbox_config(const std::filesystem::path& dir, const std::string& base_url,
                                const std::string& store) {
  sandbox::Credentials c;
  std::ofstream(dir / "tiktok_app_secret") << c.tiktok_app_secret;
  std::ofstream(dir / "meta_app_secret") << c.meta_app_secret;
  std::ofstream(dir / "meta_verify_token") << c.meta_verify_token;
  std::string u = "\"" + base_url + "\"";
  std::string store_body = store.find('=') != std::string::npos
                               ? store
                               : "backend = \"sqlite\"\npath = \"" + store + "\"\n";
  std::string t = "[host]\nlog_level = \"warn\"\n\n[store]\n" + store_body + "\n";
  for (const char* name : {"tiktok_sb", "tiktok_small"}) {
    t += std::string("[connections.") + name + "]\nplugin = \"tiktok\"\nbase_url = " + u +
         "\nopen_api_base_url = " + u + "\napp_id = \"" + c.tiktok_app_id +
         "\"\napp_secret = \"${file:tiktok_app_secret}\"\n";
    if (std::string(name) == "tiktok_small") t += "webhooks.max_body_bytes = 1024\n";
    t += "\n";
  }
  t += "[connections.meta_sb]\nplugin = \"meta\"\nbase_url = " + u + "\napp_id = \"" +
       c.meta_app_id +
       "\"\napp_secret = \"${file:meta_app_secret}\"\nwebhook_verify_token = "
       "\"${file:meta_verify_token}\"\n\n";
  t += "[connections.google_sb]\nplugin = \"google\"\nbase_url = " + u + "\noauth_base_url = " + u +
       "\nclient_id = \"" + c.google_client_id +
       "\"\nclient_secret = \"${file:meta_app_secret}\"\n\n";
  return t;
}

}  // namespace connhost::test
