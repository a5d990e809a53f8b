//! The app in its real webview through tauri-driver, shared by the end-to-end tests and the app
//! benchmark.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use thirtyfour::prelude::*;

/// tauri-driver on its own ports; stopped with SIGTERM so WebKitWebDriver goes with it.
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    pub async fn start(port: u16) -> Driver {
        Driver::start_with(port, &[]).await
    }

    /// With `env` set for tauri-driver and so for the apps it launches.
    pub async fn start_with(port: u16, env: &[(&str, &str)]) -> Driver {
        let child = Command::new("tauri-driver")
            .envs(env.iter().copied())
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &(port + 1).to_string(),
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("tauri-driver on PATH (cargo install tauri-driver --locked)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on {port}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Driver { child, port }
    }

    pub async fn session(&self, app: &Path, data_dir: &Path) -> WebDriver {
        let mut caps = Capabilities::new();
        caps.set(
            "tauri:options",
            json!({ "application": app, "args": ["--data-dir", data_dir] }),
        )
        .unwrap();
        // tauri-driver listens before its WebKitWebDriver child does; a session request in that
        // gap fails to send (seen once in CI), so retry a few times before giving up.
        let mut attempt = 0;
        loop {
            match WebDriver::new(format!("http://127.0.0.1:{}", self.port), caps.clone()).await {
                Ok(d) => return d,
                Err(_) if attempt < 5 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
                }
                Err(e) => panic!("a WebDriver session on the app: {e:?}"),
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
