//! The keychain mode against the real backend: keyring's Secret Service client talking to a
//! real `gnome-keyring-daemon` on a private D-Bus session (`dbus-run-session`).
//!
//! The test re-runs itself inside `dbus-run-session`, with HOME and the XDG folders in a
//! temporary folder so the person's own keyring is never touched. A second child runs with no
//! D-Bus at all and must be told plainly that there is no keychain.

mod common;

use std::path::Path;
use std::process::Command;

use cfp_store::*;
use common::*;

const CHILD: &str = "CFP_STORE_KEYCHAIN_CHILD";
const TEST_NAME: &str = "keychain_mode_with_a_real_secret_service";

async fn with_real_keychain(dir: &Path) {
    let db = dir.join("store.db");
    let location = StoreLocation::File(db.clone());
    let keychain = OsKeychain;

    // gnome-keyring-daemon may take a moment to claim its bus name.
    let mut created = None;
    for _ in 0..50 {
        match keychain_key(&db, &keychain, &mut OsRandom) {
            Ok(key) => {
                created = Some(key);
                break;
            }
            Err(StoreError::NoKeychain) => {
                std::thread::sleep(std::time::Duration::from_millis(100))
            }
            Err(e) => panic!("keychain failed: {e}"),
        }
    }
    let key = created.expect("the Secret Service came up");
    let name = KeychainName::for_store(&db).unwrap();
    let kept = keychain
        .get(&name)
        .unwrap()
        .expect("the key is in the keychain");
    assert_eq!(kept.len(), 64, "kept as 64 hex characters");

    let store = Store::open(&location, &key).await.unwrap();
    store.upsert_people(&[person(1)]).await.unwrap();
    store.close().await;

    // Reopen with the key read back from the keychain.
    let again = keychain_key(&db, &keychain, &mut OsRandom).unwrap();
    assert_eq!(again, key, "the same key comes back");
    let store = Store::open(&location, &again).await.unwrap();
    assert_eq!(store.people().await.unwrap().len(), 1);

    // Remove my data: the files and the keychain entry.
    store.remove(&keychain).await.unwrap();
    assert!(snapshot(dir).is_empty(), "no store files left");
    assert!(
        keychain.get(&name).unwrap().is_none(),
        "no keychain entry left"
    );

    // A new store there gets a new key.
    let fresh = keychain_key(&db, &keychain, &mut OsRandom).unwrap();
    assert_ne!(fresh.check_value(), key.check_value());
    remove_local_data(&db, &keychain).unwrap();
    assert!(keychain.get(&name).unwrap().is_none());
}

fn without_keychain(dir: &Path) {
    let db = dir.join("store.db");
    let err = keychain_key(&db, &OsKeychain, &mut OsRandom).unwrap_err();
    assert!(matches!(err, StoreError::NoKeychain), "{err:?}");
    assert!(err.to_string().contains("choose a passphrase"));
    assert!(snapshot(dir).is_empty(), "no plaintext fallback, no file");
}

#[test]
fn keychain_mode_with_a_real_secret_service() {
    match std::env::var(CHILD).as_deref() {
        Ok("dbus") => {
            let dir = tempfile::tempdir().unwrap();
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(with_real_keychain(dir.path()));
            println!("KEYCHAIN-CHILD-OK");
            return;
        }
        Ok("none") => {
            let dir = tempfile::tempdir().unwrap();
            without_keychain(dir.path());
            println!("KEYCHAIN-CHILD-OK");
            return;
        }
        _ => {}
    }

    let home = tempfile::tempdir().unwrap();
    let run = home.path().join("run");
    std::fs::create_dir(&run).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&run, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    let child = |mode: &str, command: &mut Command| {
        let out = command
            .env(CHILD, mode)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env("XDG_RUNTIME_DIR", &run)
            .env("TMPDIR", home.path())
            .env_remove("DISPLAY")
            .output()
            .expect("the child runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success() && stdout.contains("KEYCHAIN-CHILD-OK"),
            "{mode} child failed: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };

    // With a real Secret Service on a private session bus. The login keyring is created with a
    // throwaway password (with an empty one gnome-keyring makes no default collection).
    let script =
        "printf 'cfp-store-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null \
                  && exec \"$0\" \"$@\"";
    child(
        "dbus",
        Command::new("dbus-run-session")
            .args(["--", "sh", "-c", script])
            .arg(&exe)
            .args([TEST_NAME, "--exact", "--nocapture"]),
    );

    // With no D-Bus at all.
    child(
        "none",
        Command::new(&exe)
            .args([TEST_NAME, "--exact", "--nocapture"])
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/cfp-store-test-bus",
            ),
    );
}
