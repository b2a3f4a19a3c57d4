// connhost-sandbox: the platform emulator as a command. See docs/sandbox.md.
#include <connhost/sandbox/sandbox.hpp>

#include <CLI/CLI.hpp>

#include <csignal>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}
}  // namespace

int main(int argc, char** argv) {
  connhost::sandbox::Options o;
  CLI::App app{"connhost-sandbox: an offline emulator of the Meta, Google and TikTok APIs"};
  app.add_option("--host", o.host, "address to listen on (loopback by default)")
      ->capture_default_str();
  app.add_option("--port", o.port, "port; 0 picks a free one")->capture_default_str();
  app.add_option("--seed", o.seed, "seed of the generated data")->capture_default_str();
  app.add_option("--scale", o.scale, "multiplies accounts and campaigns")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--accounts", o.accounts_per_platform, "accounts per platform (before --scale)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--campaigns", o.campaigns_per_account, "campaigns per account (before --scale)")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000));
  app.add_option("--days", o.days, "days of history ending today")
      ->capture_default_str()
      ->check(CLI::Range(1, 3650));
  app.add_option("--today", o.today, "the sandbox's today, YYYY-MM-DD (default: the UTC date)");
  app.add_option("--threads", o.threads, "server threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  std::string faults_file;
  app.add_option("--faults", faults_file, "JSON file of fault rules (docs/sandbox.md)")
      ->check(CLI::ExistingFile);
  app.add_option("--replay", o.replay_dir,
                 "answer from the recorded exchanges in DIR (connhost sync --record) instead of "
                 "the emulated platforms; faults still apply (docs/replay.md)")
      ->check(CLI::ExistingDirectory);
  CLI11_PARSE(app, argc, argv);

  if (!faults_file.empty()) {
    std::ifstream in(faults_file);
    std::stringstream s;
    s << in.rdbuf();
    o.faults_json = s.str();
  }
  try {
    connhost::sandbox::Sandbox sandbox(o);
    sandbox.start();
    if (!o.replay_dir.empty()) {
      std::cout << "connhost-sandbox listening on " << sandbox.base_url() << ", replaying "
                << o.replay_dir << "\n";
    } else {
      std::cout << "connhost-sandbox listening on " << sandbox.base_url() << " (seed " << o.seed
                << ", scale " << o.scale << ")\n";
      for (const char* p : {"tiktok", "meta", "google"})
        for (const auto& a : sandbox.accounts(p))
          std::cout << "  " << p << " account " << a.id << " " << a.currency << " " << a.time_zone
                    << ", " << a.campaign_ids.size() << " campaigns\n";
    }
    std::cout << "control API: " << sandbox.base_url() << "/_sandbox/health; Ctrl-C stops"
              << std::endl;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    while (!g_stop) pause();
    sandbox.stop();
  } catch (const std::exception& e) {
    std::cerr << "connhost-sandbox: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
