// connhost-conformance PLUGIN.so: the conformance kit's command (docs/conformance.md).
#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "conformance/kit.hpp"
#include "log/logger.hpp"

namespace cf = connhost::conformance;

namespace {

std::string line(const cf::CheckResult& r) {
  std::string status = r.status == cf::Status::pass   ? "PASS"
                       : r.status == cf::Status::fail ? "FAIL"
                                                      : "n/a ";
  return status + "  " + r.id + "  " + r.detail;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"connhost-conformance: checks a connector plugin against the host's contract"};
  cf::Options o;
  bool json = false;
  std::string plugin;
  app.add_option("plugin", plugin, "the plugin library (.so) under test")->required();
  app.add_option("--connection", o.connection,
                 "the connection file (TOML); default: conformance.toml next to the plugin");
  app.add_option("--fixtures", o.fixtures,
                 "replay this folder of recorded exchanges instead of the emulated platforms")
      ->check(CLI::ExistingDirectory);
  app.add_option("--check", o.checks, "run only this check (repeatable)")
      ->check(CLI::IsMember(
          std::vector<std::string>(std::begin(cf::kCheckIds), std::end(cf::kCheckIds))));
  app.add_flag("--json", json, "print one JSON document on stdout instead of lines");
  app.add_option("--timeout-seconds", o.timeout_seconds,
                 "the host's HTTP timeout for the plugin's requests (default 5)")
      ->check(CLI::Range(1, 600));
  app.add_flag("-v,--verbose", o.verbose, "the host's log lines (masked) on stderr");
  app.footer(
      "Exit codes: 0 every applicable check passed, 1 a check failed, 2 a usage error, an "
      "unreadable file or a plugin the loader refused.\nChecks, in order: load descriptor "
      "config_schema streams check pagination state_resume rate_limit server_error auth_error "
      "row_schema timeouts webhook_signature secrets_in_logs");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  o.plugin = plugin;
  if (!std::filesystem::is_regular_file(o.plugin)) {
    std::cerr << "connhost-conformance: " << plugin << ": no such file\n";
    return 2;
  }
  connhost::log::init(o.verbose ? connhost::log::Level::debug : connhost::log::Level::off,
                      connhost::log::Format::text);

  auto report = cf::run(o, [&](const cf::CheckResult& r) {
    if (!json) {
      std::cout << line(r) << std::endl;
    }
  });
  if (!report.usage_error.empty())
    std::cerr << "connhost-conformance: " << report.usage_error << "\n";
  int passed = 0, failed = 0, na = 0;
  for (const auto& r : report.checks)
    (r.status == cf::Status::pass ? passed : r.status == cf::Status::fail ? failed : na)++;
  if (json) {
    boost::json::array checks;
    for (const auto& r : report.checks)
      checks.push_back({{"id", r.id},
                        {"status", std::string(cf::status_name(r.status))},
                        {"detail", r.detail},
                        {"ms", r.ms}});
    boost::json::object doc{{"plugin",
                             {{"id", report.plugin_id},
                              {"version", report.plugin_version},
                              {"abi", report.plugin_abi},
                              {"file", report.plugin_file}}},
                            {"checks", std::move(checks)},
                            {"passed", passed},
                            {"failed", failed},
                            {"not_applicable", na}};
    std::cout << boost::json::serialize(doc) << std::endl;
  } else if (!report.checks.empty()) {
    std::cout << passed << " passed, " << failed << " failed, " << na << " not applicable"
              << std::endl;
  }
  std::cout.flush();
  std::fflush(nullptr);
  // A plugin call that never returned still runs on a thread inside the library: leave without
  // unloading anything under it.
  if (report.abandoned_calls) _exit(report.exit_code);
  return report.exit_code;
}
