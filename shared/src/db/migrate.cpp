#include <shop/db/migrate.hpp>
#include <shop/log/log.hpp>

#include <fmt/format.h>
#include <fmt/std.h>
#include <pqxx/result>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <set>
#include <sstream>

namespace shop::db {
namespace {

// The advisory lock that serialises migrations of one database ("shop_mig" in ASCII).
constexpr std::int64_t kMigrationLock = 0x73686f705f6d6967;

std::vector<std::filesystem::path> migration_files(std::filesystem::path const& dir)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        throw MigrationError{fmt::format("migrations directory {} not found", dir)};
    }
    std::vector<std::filesystem::path> files;
    for (auto const& entry : std::filesystem::directory_iterator{dir}) {
        if (entry.is_regular_file() && entry.path().extension() == ".sql") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end(), [](auto const& a, auto const& b) {
        return a.filename().string() < b.filename().string();
    });
    return files;
}

std::string read_sql(std::filesystem::path const& file)
{
    std::ifstream in{file, std::ios::binary};
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
        throw MigrationError{fmt::format("migration {} cannot be read", file.filename())};
    }
    return std::move(text).str();
}

void lock(pqxx::work& tx)
{
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
}

// Creates the record table when missing and returns the versions it holds.
std::set<std::string> applied_versions(Pool& pool)
{
    return pool.run_sync([](pqxx::work& tx) {
        lock(tx); // CREATE TABLE IF NOT EXISTS races with itself without it
        tx.exec_params("CREATE TABLE IF NOT EXISTS schema_migrations ("
                       "version text PRIMARY KEY, "
                       "applied_at timestamptz NOT NULL DEFAULT now())");
        std::set<std::string> versions;
        for (auto const& row : tx.exec_params("SELECT version FROM schema_migrations")) {
            versions.insert(row[0].as<std::string>());
        }
        tx.commit();
        return versions;
    });
}

// Applies one file unless another instance did in the meantime; true when this call did.
bool apply(Pool& pool, std::string const& version, std::string const& sql)
{
    return pool.run_sync([&](pqxx::work& tx) {
        lock(tx);
        if (!tx.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", version)
                 .empty()) {
            return false;
        }
        // A migration is a script of several statements: the simple query protocol runs it
        // as written. It is the project's own file, never input.
        tx.exec(sql);
        tx.exec_params("INSERT INTO schema_migrations (version) VALUES ($1)", version);
        tx.commit();
        return true;
    });
}

std::string one_line(std::string_view text)
{
    std::string out{text};
    std::replace(out.begin(), out.end(), '\n', ' ');
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

} // namespace

std::vector<std::string> migrate(Pool& pool, std::filesystem::path const& dir)
{
    auto const files = migration_files(dir);
    auto const done = applied_versions(pool);
    std::vector<std::string> applied;
    for (auto const& file : files) {
        auto const version = file.filename().string();
        if (done.contains(version)) {
            continue;
        }
        auto const sql = read_sql(file);
        try {
            if (apply(pool, version, sql)) {
                log::info("applied migration {}", version);
                applied.push_back(version);
            }
        } catch (std::exception const& e) {
            throw MigrationError{
                fmt::format("migration {} failed: {}", version, one_line(e.what()))};
        }
    }
    return applied;
}

std::vector<std::string> migrate_service(Pool& pool, config::Env const& env,
                                         std::string_view service)
{
    std::filesystem::path const root = env.string("MIGRATIONS_ROOT", SHOP_SOURCE_DIR);
    auto applied = migrate(pool, root / "shared" / "migrations");
    auto own = migrate(pool, root / "services" / service / "migrations");
    applied.insert(applied.end(), own.begin(), own.end());
    return applied;
}

} // namespace shop::db
