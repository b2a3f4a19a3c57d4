// `connhost vault ...`: the token vault's keys and grants, seen and rotated from the shell. Key
// ids are shown, key bytes and tokens never.

#include <iostream>

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/store_open.hpp"
#include "cli/table.hpp"
#include "store/session.hpp"
#include "vault/grants.hpp"
#include "vault/keyring.hpp"

namespace connhost::cli {
namespace {

struct Setup {
  std::optional<config::HostConfig> host;
  vault::Keyring keyring;
  std::optional<store::Store> store;
  int rc = kExitOk;
};

Setup setup(const GlobalOptions& options) {
  Setup s;
  auto ctx = HostContext::open(options);
  if ((s.rc = ctx.require_host()) != kExitOk) return s;
  auto keys = vault::Keyring::from_config(ctx.host->vault);
  if (!keys.ok()) {
    for (const auto& e : keys.errors) std::cerr << e.to_string() << '\n';
    s.rc = kExitConfigInvalid;
    return s;
  }
  s.keyring = std::move(keys.keyring);
  s.store = open_migrated_store(*ctx.host, s.rc);
  if (!s.store) return s;
  s.host = std::move(ctx.host);
  return s;
}

}  // namespace

int vault_status(const GlobalOptions& options) {
  auto s = setup(options);
  if (s.rc != kExitOk) return s.rc;
  try {
    if (s.keyring.available()) {
      std::string ids;
      for (const auto& id : s.keyring.key_ids()) ids += (ids.empty() ? "" : ", ") + id;
      std::cout << "keys: " << ids << "\nactive key: " << s.keyring.active_id() << '\n';
    } else {
      std::cout << "keys: none\nactive key: none (" << vault::kNoVaultMessage << ")\n";
    }
    auto counts = vault::count_grants(s.store->session());
    int64_t total = 0;
    for (const auto& [status, n] : counts.by_status) total += n;
    std::cout << "grants: " << total << '\n';
    if (total == 0) return kExitOk;
    Table by_key({"KEY", "GRANTS WITH TOKENS", "NOTE"});
    bool rotate = false;
    for (const auto& [id, n] : counts.by_key_id) {
      std::string note = "-";
      if (!s.keyring.has_key(id)) {
        note = "not configured: these tokens cannot be decrypted";
      } else if (id != s.keyring.active_id()) {
        note = "old key: run `connhost vault rotate`";
        rotate = true;
      }
      by_key.add({id, std::to_string(n), note});
    }
    by_key.print(std::cout);
    Table by_status({"STATUS", "GRANTS"});
    for (const auto& [status, n] : counts.by_status) by_status.add({status, std::to_string(n)});
    by_status.print(std::cout);
    if (rotate) std::cout << "some grants are under an older key\n";
  } catch (const std::exception& e) {
    std::cerr << "connhost: vault status failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

int vault_rotate(const GlobalOptions& options) {
  auto s = setup(options);
  if (s.rc != kExitOk) return s.rc;
  if (!s.keyring.available()) {
    std::cerr << "connhost: " << vault::kNoVaultMessage << '\n';
    return kExitConfigInvalid;
  }
  try {
    auto r = vault::rotate(s.store->session(), s.keyring);
    std::cout << "re-encrypted " << r.rotated << " grant" << (r.rotated == 1 ? "" : "s")
              << " under key " << s.keyring.active_id() << "; " << r.unchanged
              << " already under it or without tokens\n";
  } catch (const std::exception& e) {
    std::cerr << "connhost: vault rotate failed: " << e.what() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace connhost::cli
