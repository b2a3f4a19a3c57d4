#pragma once

// The `connhost` command's exit codes, documented in docs/operations.md.
namespace connhost::cli {
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;        // the command ran and failed (store unreachable, ...)
inline constexpr int kExitUsage = 2;          // bad command line
inline constexpr int kExitConfigInvalid = 3;  // the configuration file has errors
inline constexpr int kExitPluginMissing = 4;  // a named plugin is not loaded
// Not an exit code: `serve` asks main() to start itself again in place (a validated reload).
inline constexpr int kRestartInPlace = -1;
}  // namespace connhost::cli
