// Hot plugin reload in process (docs/operations.md, "Hot plugin reload"): a registry watching a
// plugin folder serves a new version to new instances while a read on the old one runs to its
// end; an unload-safe old version is unmapped once its last instance is gone, any other stays; a
// broken new version is refused and the served one stays; a removed file serves no new runs.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <connhost/connector.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <future>
#include <sstream>
#include <thread>

#include "config/config.hpp"
#include "pipeline/connection_setup.hpp"
#include "pipeline/plugin_schemas.hpp"
#include "plugin/instance.hpp"
#include "plugin/plugin_watcher.hpp"
#include "plugin/registry.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

namespace connhost::plugin {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

const fs::path kBuilt = SWAP_PLUGIN_DIR;

bool eventually(const std::function<bool()>& ok, std::chrono::milliseconds limit = 20s) {
  return test::eventually(ok, limit, 10ms);
}

// Copy then rename, as docs/operations.md tells ops to: the folder never holds half a file.
void drop(const fs::path& built, const fs::path& dir, const std::string& name) {
  auto tmp = dir / ("." + name + ".part");
  fs::copy_file(built, tmp, fs::copy_options::overwrite_existing);
  fs::rename(tmp, dir / name);
}

bool mapped(const fs::path& file) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.find(file.string()) != std::string::npos) return true;
  return false;
}

std::string version_of(const Registry& r, std::string_view id) {
  auto p = r.get(id);
  return p ? std::string(p->version()) : "";
}

std::unique_ptr<Instance> make_instance(const Registry& r, const std::string& hold_file = "") {
  Instance::Settings s;
  s.connection = "swap_test";
  s.values = {{"hold_file", hold_file}};
  auto [inst, err] = Instance::create(r.get("swap"), std::move(s));
  EXPECT_FALSE(err) << err->to_string();
  return std::move(inst);
}

// The marker the version that answered put in its row.
int64_t marker_of(const Instance::ReadResult& r) {
  EXPECT_FALSE(r.error) << r.error->to_string();
  if (r.rows.size() != 1) {
    ADD_FAILURE() << r.rows.size() << " rows";
    return -1;
  }
  return std::get<int64_t>(r.rows[0].values[1]);
}

Instance::ReadResult read(Instance& inst) {
  return inst.read("marks", "2026-01-01", "2026-01-01", "");
}

class HotSwapTest : public ::testing::Test {
 protected:
  test::TempDir folder{"connhost-hot-plugins"};
  test::TempDir work{"connhost-hot-work"};
  Registry registry{HostAbi{}, Registry::Options{.unload_grace = 0ms, .copy_dir = work.path()}};
};

TEST_F(HotSwapTest, ASwapDuringARunServesNewRunsWhileTheRunningOneFinishesOnTheOldVersion) {
  drop(kBuilt / "swap_v1.so", folder.path(), "swap.so");
  registry.load_directories({folder.path()});
  ASSERT_EQ(version_of(registry, "swap"), "0.1.0");
  const fs::path v1_file = registry.get("swap")->loaded_from;
  PluginWatcher watcher(registry, 20ms);

  // A run on 0.1.0, held open by the plugin until the release file exists.
  auto release = work.path() / "release";
  auto running = make_instance(registry, release.string());
  auto first = std::async(std::launch::async, [&] { return read(*running); });
  ASSERT_TRUE(eventually([&] { return fs::exists(release.string() + ".started"); }));

  drop(kBuilt / "swap_v2.so", folder.path(), "swap.so");
  ASSERT_TRUE(eventually([&] { return version_of(registry, "swap") == "0.2.0"; }))
      << "still serving " << version_of(registry, "swap");
  auto v2 = registry.get("swap");
  EXPECT_EQ(v2->generation, 2u);
  EXPECT_NE(v2->loaded_from, v1_file) << "0.2.0 must be mapped from a file of its own";
  EXPECT_EQ(v2->path, folder.path() / "swap.so");

  auto fresh = make_instance(registry);
  EXPECT_EQ(marker_of(read(*fresh)), 2) << "a new run must use the new version";
  EXPECT_EQ(first.wait_for(0s), std::future_status::timeout) << "the held run ended early";

  std::ofstream(release) << "go";
  auto held = first.get();
  EXPECT_EQ(marker_of(held), 1) << "the run under way must finish on the version it began with";
  EXPECT_TRUE(mapped(v1_file)) << "0.1.0 unmapped while an instance of it lives";

  // Unload-safe: once its last instance is gone, 0.1.0 leaves the address space.
  running.reset();
  EXPECT_TRUE(eventually([&] { return !mapped(v1_file); })) << v1_file << " still mapped";
  EXPECT_TRUE(eventually([&] { return registry.retired_count() == 0; }));
  EXPECT_TRUE(mapped(v2->loaded_from));
}

TEST_F(HotSwapTest, AVersionThatDoesNotDeclareUnloadSafeStaysMapped) {
  drop(kBuilt / "pinned_v1.so", folder.path(), "pinned.so");
  registry.load_directories({folder.path()});
  ASSERT_EQ(version_of(registry, "pinned"), "0.1.0");
  ASSERT_FALSE(registry.get("pinned")->unload_safe());
  const fs::path v1_file = registry.get("pinned")->loaded_from;

  drop(kBuilt / "pinned_v2.so", folder.path(), "pinned.so");
  // Two rescans: the first sees the new file, the second finds it unchanged and loads it.
  ASSERT_TRUE(eventually([&] {
    registry.rescan();
    return version_of(registry, "pinned") == "0.2.0";
  }));
  // Released by the registry (nothing holds it) ...
  ASSERT_TRUE(eventually([&] {
    registry.collect();
    return registry.retired_count() == 0;
  }));
  // ... but never unmapped: its threads or destructors may still need its code.
  EXPECT_TRUE(mapped(v1_file));
}

TEST_F(HotSwapTest, ABrokenNewVersionIsRefusedAndTheServedOneStays) {
  drop(kBuilt / "swap_v1.so", folder.path(), "swap.so");
  registry.load_directories({folder.path()});
  drop(kBuilt / "swap_v2.so", folder.path(), "swap.so");
  ASSERT_TRUE(eventually([&] {
    registry.rescan();
    return version_of(registry, "swap") == "0.2.0";
  }));

  drop(kBuilt / "swap_v3_broken.so", folder.path(), "swap.so");
  ASSERT_TRUE(eventually([&] {
    registry.rescan();
    return !registry.refused().empty();
  }));
  auto refused = registry.refused();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].path, folder.path() / "swap.so");
  EXPECT_THAT(refused[0].reason, HasSubstr("ABI major mismatch"));
  EXPECT_THAT(refused[0].reason, HasSubstr("0.2.0 stays in use"));
  EXPECT_EQ(refused[0].kept_id, "swap");
  EXPECT_EQ(version_of(registry, "swap"), "0.2.0");
  EXPECT_EQ(marker_of(read(*make_instance(registry))), 2);

  // Refused once, not at every scan; a fixed file clears the refusal.
  registry.rescan();
  EXPECT_EQ(registry.refused().size(), 1u);
  drop(kBuilt / "swap_v1.so", folder.path(), "swap.so");
  ASSERT_TRUE(eventually([&] {
    registry.rescan();
    return version_of(registry, "swap") == "0.1.0";
  }));
  EXPECT_TRUE(registry.refused().empty());
  EXPECT_EQ(registry.get("swap")->generation, 3u);
}

TEST_F(HotSwapTest, AnAdmissionCheckRefusesAVersionAndKeepsTheServedOne) {
  drop(kBuilt / "swap_v1.so", folder.path(), "swap.so");
  registry.load_directories({folder.path()});
  std::string seen_current;
  registry.set_admission([&](const LoadedPlugin& candidate,
                             const LoadedPlugin* current) -> std::optional<std::string> {
    seen_current = current ? std::string(current->version()) : "";
    if (candidate.find_field("region")) return "connection x lacks region";
    return std::nullopt;
  });
  drop(kBuilt / "swap_v2_region.so", folder.path(), "swap.so");
  ASSERT_TRUE(eventually([&] {
    registry.rescan();
    return !registry.refused().empty();
  }));
  EXPECT_EQ(seen_current, "0.1.0");
  EXPECT_THAT(registry.refused()[0].reason,
              HasSubstr("version 0.2.0 of plugin 'swap' is refused: connection x lacks region"));
  EXPECT_EQ(version_of(registry, "swap"), "0.1.0");
}

TEST_F(HotSwapTest, AFileStillBeingWrittenIsNotLoaded) {
  registry.load_directories({folder.path()});
  std::ifstream in(kBuilt / "swap_v1.so", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  auto target = folder.path() / "swap.so";
  // Written in place, in three parts, a rescan between each: never stable, never loaded.
  size_t third = bytes.size() / 3;
  for (size_t part = 0; part < 3; ++part) {
    std::ofstream out(target, std::ios::binary | std::ios::app);
    size_t n = part == 2 ? bytes.size() - 2 * third : third;
    out.write(bytes.data() + part * third, static_cast<std::streamsize>(n));
    out.close();
    auto r = registry.rescan();
    EXPECT_EQ(r.loaded + r.refused, 0) << "part " << part << " was taken for a whole file";
  }
  EXPECT_TRUE(registry.refused().empty());
  EXPECT_FALSE(registry.get("swap"));
  // Unchanged since the previous rescan: loaded now.
  auto r = registry.rescan();
  EXPECT_EQ(r.loaded, 1);
  EXPECT_EQ(version_of(registry, "swap"), "0.1.0");
}

TEST_F(HotSwapTest, ARemovedFileServesNoNewRunsAndTheRunningOneFinishes) {
  drop(kBuilt / "swap_v1.so", folder.path(), "swap.so");
  registry.load_directories({folder.path()});
  auto inst = make_instance(registry);
  fs::remove(folder.path() / "swap.so");
  auto r = registry.rescan();
  EXPECT_EQ(r.removed, 1);
  EXPECT_FALSE(registry.find("swap"));
  ASSERT_TRUE(registry.missing_reason("swap"));
  EXPECT_EQ(*registry.missing_reason("swap"),
            "plugin 'swap' was removed from " + folder.path().string());
  EXPECT_EQ(marker_of(read(*inst)), 1);

  // Back in the folder: a plugin again, the removal forgotten.
  drop(kBuilt / "swap_v2.so", folder.path(), "swap.so");
  ASSERT_TRUE(eventually([&] {
    registry.rescan();
    return version_of(registry, "swap") == "0.2.0";
  }));
  EXPECT_FALSE(registry.missing_reason("swap"));
}

TEST_F(HotSwapTest, AFlagThisHostDoesNotKnowIsRefused) {
  drop(kBuilt / "swap_unknown_flag.so", folder.path(), "swap.so");
  registry.load_directories({folder.path()});
  ASSERT_EQ(registry.refused().size(), 1u);
  EXPECT_THAT(registry.refused()[0].reason,
              HasSubstr("descriptor flags 128 have bits this host does not know"));
}

TEST_F(HotSwapTest, APluginBuiltAgainstABI12LoadsWithoutFlags) {
  drop(kBuilt / "swap_abi12.so", folder.path(), "swap.so");
  registry.load_directories({folder.path()});
  ASSERT_TRUE(registry.refused().empty()) << registry.refused()[0].reason;
  auto p = registry.get("swap");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->abi_version(), "1.2");
  EXPECT_EQ(p->flags(), 0u) << "a field past the plugin's struct_size was read";
  EXPECT_FALSE(p->unload_safe());
  EXPECT_EQ(marker_of(read(*make_instance(registry))), 12);
}

// What a run starts from: the connection's setup takes the version served when the run starts,
// and names the folder when the plugin's file was removed.
TEST_F(HotSwapTest, ARunStartedAfterASwapSetsUpTheNewVersion) {
  drop(kBuilt / "swap_v1.so", folder.path(), "swap.so");
  registry.load_directories({folder.path()});
  auto loaded =
      config::load_string("[connections.swapper]\nplugin = \"swap\"\n",
                          work.path() / "connhost.toml", pipeline::plugin_schemas(registry));
  ASSERT_TRUE(loaded.ok()) << loaded.errors[0].to_string();
  const auto& cfg = *loaded.config;
  auto before = pipeline::setup_connection(cfg, registry, "swapper", nullptr);
  EXPECT_EQ(before.plugin->version(), "0.1.0");

  drop(kBuilt / "swap_v2.so", folder.path(), "swap.so");
  ASSERT_TRUE(eventually([&] {
    registry.rescan();
    return version_of(registry, "swap") == "0.2.0";
  }));
  auto after = pipeline::setup_connection(cfg, registry, "swapper", nullptr);
  EXPECT_EQ(after.plugin->version(), "0.2.0");
  EXPECT_EQ(before.plugin->version(), "0.1.0") << "a run's setup must keep its version";

  fs::remove(folder.path() / "swap.so");
  registry.rescan();
  try {
    pipeline::setup_connection(cfg, registry, "swapper", nullptr);
    ADD_FAILURE() << "a removed plugin was set up";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "connection swapper: plugin 'swap' was removed from " + folder.path().string());
  }
}

// The SDK's way to declare the flag, as a C++ connector does.
struct Declares {
  static constexpr unsigned flags = connhost::kUnloadSafe;
};
struct DoesNot {};
static_assert(connhost::detail::Export<Declares>::descriptor_flags() == CH_PLUGIN_UNLOAD_SAFE);
static_assert(connhost::detail::Export<DoesNot>::descriptor_flags() == 0);

}  // namespace
}  // namespace connhost::plugin
