#include "bench_support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>

#include "pipeline/plugin_schemas.hpp"
#include "plugin/plugin.hpp"

namespace connhost::bench {

namespace fs = std::filesystem;

ChildSandbox::ChildSandbox(const sandbox::Options& options) {
  int up[2], down[2];
  if (pipe(up) != 0 || pipe(down) != 0) {
    std::perror("pipe");
    std::exit(1);
  }
  std::fflush(nullptr);
  pid_ = fork();
  if (pid_ < 0) {
    std::perror("fork");
    std::exit(1);
  }
  if (pid_ == 0) {
    close(up[0]);
    close(down[1]);
    uint16_t port = 0;
    try {
      static sandbox::Sandbox* sb = new sandbox::Sandbox(options);
      port = sb->start();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sandbox: %s\n", e.what());
      _exit(1);
    }
    if (write(up[1], &port, sizeof port) != sizeof port) _exit(1);
    char c;
    while (read(down[0], &c, 1) > 0) {
    }
    _exit(0);  // the parent closed its end: done (skip destructors of the forked state)
  }
  close(up[1]);
  close(down[0]);
  to_child_ = down[1];
  fcntl(to_child_, F_SETFD, FD_CLOEXEC);
  uint16_t port = 0;
  if (read(up[0], &port, sizeof port) != sizeof port) {
    std::fprintf(stderr, "the sandbox child did not start\n");
    std::exit(1);
  }
  close(up[0]);
  base_url_ = "http://127.0.0.1:" + std::to_string(port);
}

ChildSandbox::~ChildSandbox() {
  stop();
}

void ChildSandbox::stop() {
  if (pid_ <= 0) return;
  close(to_child_);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

long ChildSandbox::peak_rss_kib() const {
  return rss_kib("VmHWM:", pid_);
}

long rss_kib(const char* field, pid_t pid) {
  std::string path = pid > 0 ? "/proc/" + std::to_string(pid) + "/status" : "/proc/self/status";
  std::ifstream in(path);
  std::string line;
  size_t n = std::strlen(field);
  while (std::getline(in, line))
    if (line.compare(0, n, field) == 0) return std::atol(line.c_str() + n);
  return -1;
}

bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

RssSampler::RssSampler(std::chrono::milliseconds period) {
  thread_ = std::thread([this, period] {
    while (!stop_.load()) {
      long r = rss_kib();
      if (r > max_.load()) max_.store(r);
      std::this_thread::sleep_for(period);
    }
  });
}
RssSampler::~RssSampler() {
  stop();
}
long RssSampler::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  return max_.load();
}

TempDir::TempDir() {
  std::random_device rd;
  path = fs::temp_directory_path() /
         ("connhost-bench-" + std::to_string(getpid()) + "-" + std::to_string(rd() % 1000000));
  fs::create_directories(path);
}
TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

void load_plugins(plugin::Registry& registry) {
  registry.load_directories({fs::path(CONNHOST_BUILD_PLUGIN_DIR)});
  for (const char* id : {"tiktok", "meta", "google"})
    if (!registry.find(id)) {
      std::fprintf(stderr, "plugin %s not found in %s (build connhost_%s)\n", id,
                   CONNHOST_BUILD_PLUGIN_DIR, id);
      for (const auto& r : registry.refused())
        std::fprintf(stderr, "  refused %s\n", r.path.c_str());
      std::exit(1);
    }
}

namespace {

config::SchemaLookup lookup(const plugin::Registry& registry) {
  return pipeline::plugin_schemas(registry);
}

}  // namespace

config::HostConfig make_config(const fs::path& dir, const std::string& base_url,
                               const ConnectionSettings& settings,
                               const plugin::Registry& registry) {
  sandbox::Credentials c;
  std::map<std::string, std::string> secrets = {{"tiktok_app_secret", c.tiktok_app_secret},
                                                {"tiktok_access_token", c.tiktok_advertiser_token},
                                                {"meta_app_secret", c.meta_app_secret},
                                                {"meta_access_token", c.meta_access_token},
                                                {"google_client_secret", c.google_client_secret},
                                                {"google_refresh_token", c.google_refresh_token}};
  for (const auto& [name, value] : secrets) std::ofstream(dir / name) << value;
  auto secret = [&](const char* name) { return "\"${file:" + (dir / name).string() + "}\""; };
  auto url = "\"" + base_url + "\"";
  char qps[64];
  std::snprintf(qps, sizeof qps, "%.6g", settings.rate_limit_qps);
  std::ostringstream t;
  t << "[host]\nlog_level = \"warn\"\n\n[store]\nbackend = \"sqlite\"\npath = \""
    << (dir / "store.db").string() << "\"\n\n";
  t << "[connections.tiktok_bench]\nplugin = \"tiktok\"\nbase_url = " << url
    << "\nopen_api_base_url = " << url << "\napp_id = \"" << c.tiktok_app_id
    << "\"\napp_secret = " << secret("tiktok_app_secret")
    << "\naccess_token = " << secret("tiktok_access_token") << "\nrate_limit_qps = " << qps << "\n"
    << settings.extra << "\n";
  t << "[connections.meta_bench]\nplugin = \"meta\"\nbase_url = " << url << "\napp_id = \""
    << c.meta_app_id << "\"\napp_secret = " << secret("meta_app_secret")
    << "\naccess_token = " << secret("meta_access_token")
    << "\nasync_poll_initial_ms = 50\nasync_poll_max_ms = 200\nrate_limit_qps = " << qps << "\n"
    << settings.extra << "\n";
  t << "[connections.google_bench]\nplugin = \"google\"\nbase_url = " << url
    << "\noauth_base_url = " << url << "\nclient_id = \"" << c.google_client_id
    << "\"\nclient_secret = " << secret("google_client_secret")
    << "\nrefresh_token = " << secret("google_refresh_token") << "\nrate_limit_qps = " << qps
    << "\n"
    << settings.extra << "\n";
  for (const char* p : {"tiktok", "meta", "google"})
    t << "[pipelines." << p << "_bench]\nconnection = \"" << p
      << "_bench\"\ncapability = \"reporting\"\nstreams = [\"campaigns\", \"campaign_daily\"]\n\n";
  auto loaded = config::load_string(t.str(), dir / "bench.toml", lookup(registry));
  if (!loaded.ok()) {
    for (const auto& e : loaded.errors) std::cerr << e.to_string() << '\n';
    std::cerr << t.str();
    std::exit(1);
  }
  return *loaded.config;
}

}  // namespace connhost::bench
