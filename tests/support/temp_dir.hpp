#pragma once
// A fresh empty directory under the system's temporary directory, removed with everything
// in it when the object goes, also when the test fails.
#include <filesystem>
#include <string>

namespace shop::test {

class TempDir {
public:
    explicit TempDir(std::string const& prefix = "shop-test");
    ~TempDir();
    TempDir(TempDir const&) = delete;
    TempDir& operator=(TempDir const&) = delete;

    std::filesystem::path const& path() const { return path_; }

private:
    std::filesystem::path path_;
};

} // namespace shop::test
