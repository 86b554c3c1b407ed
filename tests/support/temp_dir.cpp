#include "temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <system_error>

namespace shop::test {

TempDir::TempDir(std::string const& prefix)
{
    auto pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw std::system_error{errno, std::generic_category(), "mkdtemp " + pattern};
    path_ = pattern;
}

TempDir::~TempDir()
{
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

} // namespace shop::test
