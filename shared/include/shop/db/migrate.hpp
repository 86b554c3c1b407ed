#pragma once
// Versioned schema migrations: the .sql files of one directory, applied once each, in order.
#include <shop/config/env.hpp>
#include <shop/db/pool.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace shop::db {

// A migration could not be read or applied; the message names the file.
class MigrationError : public std::runtime_error {
public:
    using runtime_error::runtime_error;
};

// Applies dir/*.sql in lexical order of their names, each in its own transaction together
// with its row in schema_migrations(version, applied_at); files already recorded are skipped.
// Safe when several instances start at once: each transaction holds a PostgreSQL advisory
// lock and checks the record again under it. A file must not hold BEGIN/COMMIT itself.
// Stops at the first failure with MigrationError; earlier files stay applied. `dir` is used
// as given (resolve it against the executable or a variable, not the working directory).
// Returns the names of the files applied by this call.
std::vector<std::string> migrate(Pool& pool, std::filesystem::path const& dir);

// A service's whole schema: the shared outbox and inbox (shared/migrations), then its own
// services/<service>/migrations. Both are looked up under MIGRATIONS_ROOT when it is set
// (an installed layout, a container image), else in the source tree the binary was built
// from. Returns the files applied by this call.
std::vector<std::string> migrate_service(Pool& pool, config::Env const& env,
                                         std::string_view service);

} // namespace shop::db
