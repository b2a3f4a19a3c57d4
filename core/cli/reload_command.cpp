// `connhost reload`: asks the running `connhost serve` of this configuration to reload it
// (POST /api/reload on [server] listen; SIGHUP does the same). A file with errors is refused here
// already; otherwise the server validates it again (it also reads the secrets) and either starts
// again in place with it or refuses it and keeps the old one.

#include <boost/json/parse.hpp>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "config/listen_address.hpp"
#include "config/secret.hpp"
#include "http/client.hpp"

namespace connhost::cli {

int reload(const GlobalOptions& options) {
  auto ctx = HostContext::open(options);
  auto loaded = config::load_file(options.config_file, ctx.schema_lookup());
  // The server would refuse a file with errors: say so here, with the errors, and send nothing.
  if (!loaded.ok()) {
    std::cerr << "reload refused: " << options.config_file.string() << " has "
              << loaded.errors.size() << " error" << (loaded.errors.size() == 1 ? "" : "s")
              << "; nothing was sent, the running configuration stays:\n";
    for (const auto& e : loaded.errors) std::cerr << "  " << e.to_string() << '\n';
    return kExitConfigInvalid;
  }
  const config::HostConfig& cfg = *loaded.config;
  const std::string& listen = cfg.listen;
  // Any of the server's keys will do: the route needs a key, not a scope.
  std::optional<config::SecretRef> key = cfg.server.api_key;
  if (!key && !cfg.server.api_keys.empty()) key = cfg.server.api_keys[0].key;
  auto address = config::parse_listen(listen);
  if (!address) {
    std::cerr << "connhost: reload: [server] listen '" << listen << "' is not HOST:PORT\n";
    return kExitConfigInvalid;
  }
  // A wildcard listen address is reached on loopback.
  config::ListenAddress target = *address;
  if (target.host == "0.0.0.0") target.host = "127.0.0.1";
  if (target.host == "::") target.host = "::1";
  http::Request req;
  req.method = "POST";
  req.url = "http://" + target.to_string() + "/api/reload";
  req.timeout = std::chrono::seconds(30);
  if (key) {
    auto v = config::resolve_secret(*key);
    if (!v.ok()) {
      std::cerr << "connhost: reload: server.api_key: " << v.error << '\n';
      return kExitConfigInvalid;
    }
    req.headers.emplace_back("Authorization", "Bearer " + *v.value);
  }
  http::Client client({.max_retries = 0});
  http::Response resp;
  try {
    resp = client.send(req);
  } catch (const std::exception& e) {
    std::cerr << "connhost: reload: no connhost serve answered at " << req.url << ": " << e.what()
              << '\n';
    return kExitFailure;
  }
  if (resp.status == 202) {
    std::cout << "reload: accepted; the server starts again with " << options.config_file.string()
              << " once the requests and runs under way finish\n";
    return kExitOk;
  }
  if (resp.status == 422) {
    std::cerr << "reload refused; the old configuration keeps running:\n";
    boost::system::error_code ec;
    auto v = boost::json::parse(resp.body, ec);
    if (!ec && v.is_object())
      if (const auto* e = v.as_object().if_contains("error"))
        if (const auto* list = e->as_object().if_contains("errors"))
          for (const auto& item : list->as_array())
            if (item.is_string()) std::cerr << "  " << item.as_string().c_str() << '\n';
    return kExitConfigInvalid;
  }
  std::cerr << "connhost: reload: the server answered " << resp.status << ": " << resp.body << '\n';
  return kExitFailure;
}

}  // namespace connhost::cli
