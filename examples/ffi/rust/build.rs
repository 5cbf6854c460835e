// Link libfoil: FOIL_LIB_DIR (a directory holding libfoil.so), else pkg-config's answer
// for `foil`, else the system's default library path. The directory is also recorded as
// an rpath so the example runs without LD_LIBRARY_PATH.
use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=FOIL_LIB_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let dir = env::var("FOIL_LIB_DIR")
        .ok()
        .filter(|d| !d.is_empty())
        .or_else(|| {
            let out = Command::new("pkg-config")
                .args(["--variable=libdir", "foil"])
                .output()
                .ok()?;
            let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
            if out.status.success() && !s.is_empty() {
                Some(s)
            } else {
                None
            }
        });
    if let Some(dir) = dir {
        println!("cargo:rustc-link-search=native={}", dir);
        println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir);
    }
    println!("cargo:rustc-link-lib=dylib=foil");
}
