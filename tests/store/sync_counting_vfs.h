#ifndef LEXWATCH_TESTS_STORE_SYNC_COUNTING_VFS_H_
#define LEXWATCH_TESTS_STORE_SYNC_COUNTING_VFS_H_

// A SQLite VFS that forwards everything to the default one and counts the
// syncs (xSync: fsync/fdatasync), so a test can tell which commits wait for
// the disk. While one exists it is the default VFS: open the database after
// making it and close it before it goes. One at a time, on one thread.

#include <gtest/gtest.h>
#include <sqlite3.h>

namespace lexwatch::store::testing {

class SyncCountingVfs {
 public:
  SyncCountingVfs() {
    real_ = sqlite3_vfs_find(nullptr);
    vfs_ = *real_;  // Every call but xOpen goes to the default VFS as is.
    vfs_.pNext = nullptr;
    vfs_.zName = "lexwatch-sync-counting";
    vfs_.szOsFile = static_cast<int>(sizeof(File)) + real_->szOsFile;
    vfs_.xOpen = &Open;
    instance_ = this;
    EXPECT_EQ(sqlite3_vfs_register(&vfs_, 1), SQLITE_OK);
  }
  ~SyncCountingVfs() {
    sqlite3_vfs_unregister(&vfs_);
    instance_ = nullptr;
  }
  SyncCountingVfs(const SyncCountingVfs&) = delete;
  SyncCountingVfs& operator=(const SyncCountingVfs&) = delete;

  // Syncs of any file of any database opened since construction.
  int syncs() const { return syncs_; }

 private:
  // Our file, followed in the same allocation by the default VFS's.
  struct File {
    sqlite3_file base;
    sqlite3_file* real;
  };
  static sqlite3_file* Real(sqlite3_file* f) {
    return reinterpret_cast<File*>(f)->real;
  }

  // One forwarding function per io method, typed after the method.
  template <typename Method>
  struct Forward;
  template <typename R, typename... Args>
  struct Forward<R (*)(sqlite3_file*, Args...)> {
    template <R (*sqlite3_io_methods::*kMethod)(sqlite3_file*, Args...)>
    static R Call(sqlite3_file* f, Args... args) {
      sqlite3_file* real = Real(f);
      return (real->pMethods->*kMethod)(real, args...);
    }
  };
#define LEXWATCH_FORWARD(name) \
  &Forward<decltype(sqlite3_io_methods::name)>::Call<&sqlite3_io_methods::name>

  static int Sync(sqlite3_file* f, int flags) {
    ++instance_->syncs_;
    sqlite3_file* real = Real(f);
    return real->pMethods->xSync(real, flags);
  }

  static int Open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f,
                  int flags, int* out_flags) {
    static const sqlite3_io_methods kMethods = {
        3,
        LEXWATCH_FORWARD(xClose),
        LEXWATCH_FORWARD(xRead),
        LEXWATCH_FORWARD(xWrite),
        LEXWATCH_FORWARD(xTruncate),
        &Sync,
        LEXWATCH_FORWARD(xFileSize),
        LEXWATCH_FORWARD(xLock),
        LEXWATCH_FORWARD(xUnlock),
        LEXWATCH_FORWARD(xCheckReservedLock),
        LEXWATCH_FORWARD(xFileControl),
        LEXWATCH_FORWARD(xSectorSize),
        LEXWATCH_FORWARD(xDeviceCharacteristics),
        LEXWATCH_FORWARD(xShmMap),
        LEXWATCH_FORWARD(xShmLock),
        LEXWATCH_FORWARD(xShmBarrier),
        LEXWATCH_FORWARD(xShmUnmap),
        LEXWATCH_FORWARD(xFetch),
        LEXWATCH_FORWARD(xUnfetch),
    };
#undef LEXWATCH_FORWARD
    auto* file = reinterpret_cast<File*>(f);
    file->real = reinterpret_cast<sqlite3_file*>(file + 1);
    sqlite3_vfs* real = instance_->real_;
    int rc = real->xOpen(real, name, file->real, flags, out_flags);
    // No methods means nothing to close: SQLite will not call xClose.
    file->base.pMethods = file->real->pMethods != nullptr ? &kMethods : nullptr;
    return rc;
  }

  static inline SyncCountingVfs* instance_ = nullptr;
  sqlite3_vfs* real_ = nullptr;
  sqlite3_vfs vfs_{};
  int syncs_ = 0;
};

}  // namespace lexwatch::store::testing

#endif  // LEXWATCH_TESTS_STORE_SYNC_COUNTING_VFS_H_
