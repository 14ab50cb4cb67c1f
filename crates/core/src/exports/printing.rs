//! Printing through the operating system, leaving no temporary file behind.
//!
//! - **Linux and macOS**: the PDF bytes go to CUPS' `lp` on its standard input
//!   (`lp -t "Remittance advice" -`), so the app never writes the document to disk. The job
//!   title names the kind of document only: print queues are visible to everyone on the
//!   computer. (CUPS itself keeps a copy of each job in its spool folder for a day by default;
//!   a kiosk's administrator sets `PreserveJobFiles No` in `cupsd.conf`, see the README.)
//! - **Windows**: there is no standard way to send PDF bytes to a printer without a file. The
//!   PDF is written to a new private folder under the user's temporary folder with a name that
//!   holds no personal data, handed to the "print" verb of the computer's PDF program
//!   (PowerShell `Start-Process -Verb Print -Wait`, which returns when that program has spooled
//!   it), and the folder is deleted as soon as it returns, whether printing worked or not.
//! - Anywhere else: printing is not available.

use crate::IpcError;

/// Which printer to use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrintQueue {
    /// A CUPS queue name; `None` is the computer's default printer (what the app always uses).
    pub destination: Option<String>,
}

/// The message when the computer has no printer (or no printing system) set up.
pub const NO_PRINTER: &str =
    "This computer has no printer set up. Ask the person who looks after it.";

/// Sends a PDF to the printer. `title` is the job title the queue shows (never personal data).
pub fn print_pdf(pdf: &[u8], title: &str, queue: &PrintQueue) -> Result<(), IpcError> {
    platform::print(pdf, title, queue)
}

#[cfg(unix)]
mod platform {
    use std::io::{ErrorKind, Write};
    use std::process::{Command, Stdio};

    use super::{PrintQueue, NO_PRINTER};
    use crate::{ErrorCode, IpcError};

    pub(super) fn print(pdf: &[u8], title: &str, queue: &PrintQueue) -> Result<(), IpcError> {
        print_with("lp", pdf, title, queue)
    }

    /// [`print`] through a named `lp` program (tests name one that does not exist).
    pub(super) fn print_with(
        lp: &str,
        pdf: &[u8],
        title: &str,
        queue: &PrintQueue,
    ) -> Result<(), IpcError> {
        let mut command = Command::new(lp);
        // lp's messages are matched below, so they must be in English.
        command.env("LC_ALL", "C").env("LANG", "C");
        if let Some(destination) = &queue.destination {
            command.arg("-d").arg(destination);
        }
        command
            .arg("-t")
            .arg(title)
            .arg("-")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = match command.spawn() {
            Ok(child) => child,
            // No CUPS client at all: there is no printing set up on this computer.
            Err(e) if e.kind() == ErrorKind::NotFound => {
                return Err(IpcError::new(ErrorCode::Unavailable, NO_PRINTER))
            }
            Err(_) => return Err(not_sent()),
        };
        let mut stdin = child.stdin.take().expect("stdin is piped");
        // lp reads everything before it answers. If it gives up early (no printer), the write
        // fails with a broken pipe and its exit status and message say why.
        let written = stdin.write_all(pdf);
        drop(stdin);
        let output = child.wait_with_output().map_err(|_| not_sent())?;
        if output.status.success() {
            return match written {
                Ok(()) => Ok(()),
                Err(_) => Err(not_sent()),
            };
        }
        let message = String::from_utf8_lossy(&output.stderr).to_ascii_lowercase();
        Err(classify(&message))
    }

    /// What lp's complaint means for the person at the computer.
    pub(super) fn classify(message: &str) -> IpcError {
        let no_printer = [
            "no default destination",
            "does not exist",
            "no such destination",
            "not accepting jobs",
        ];
        let no_service = [
            "scheduler not responding",
            "unable to connect",
            "connection refused",
        ];
        if no_printer.iter().any(|m| message.contains(m)) {
            IpcError::new(ErrorCode::Unavailable, NO_PRINTER)
        } else if no_service.iter().any(|m| message.contains(m)) {
            IpcError::new(
                ErrorCode::Unavailable,
                "The printing service on this computer is not running. Ask the person who looks \
                 after it.",
            )
        } else {
            not_sent()
        }
    }

    fn not_sent() -> IpcError {
        IpcError::new(
            ErrorCode::Internal,
            "The document could not be sent to the printer. Check the printer is on, then try \
             again.",
        )
    }
}

#[cfg(windows)]
mod platform {
    use std::process::Command;

    use super::{PrintQueue, NO_PRINTER};
    use crate::{ErrorCode, IpcError};

    pub(super) fn print(pdf: &[u8], _title: &str, _queue: &PrintQueue) -> Result<(), IpcError> {
        let failed = |_| {
            IpcError::new(
                ErrorCode::Internal,
                "The document could not be prepared for printing. Please try again.",
            )
        };
        // A new folder only this user can read, removed (with the file) when `folder` drops,
        // on every path out of this function.
        let folder = tempfile::Builder::new()
            .prefix("cfp-print-")
            .tempdir()
            .map_err(failed)?;
        let path = folder.path().join("document.pdf");
        std::fs::write(&path, pdf).map_err(failed)?;
        // The path goes in through the environment, so no quoting can go wrong.
        let status = Command::new("powershell.exe")
            .args([
                "-NoProfile",
                "-NonInteractive",
                "-Command",
                "Start-Process -FilePath $env:CFP_PRINT_FILE -Verb Print -WindowStyle Hidden \
                 -Wait -ErrorAction Stop",
            ])
            .env("CFP_PRINT_FILE", &path)
            .status();
        // The PDF program may still hold the file for a moment after it returns.
        for _ in 0..20 {
            if std::fs::remove_file(&path).is_ok() || !path.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
        drop(folder);
        match status {
            Ok(s) if s.success() => Ok(()),
            // Start-Process fails when no program offers "print" for PDF files.
            _ => Err(IpcError::new(ErrorCode::Unavailable, NO_PRINTER)),
        }
    }
}

#[cfg(not(any(unix, windows)))]
mod platform {
    use super::PrintQueue;
    use crate::{ErrorCode, IpcError};

    pub(super) fn print(_pdf: &[u8], _title: &str, _queue: &PrintQueue) -> Result<(), IpcError> {
        Err(IpcError::new(
            ErrorCode::Unavailable,
            "Printing is not available on this computer.",
        ))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn lp_messages_mean_no_printer_or_no_service() {
        let no_printer = platform::classify("lp: error - no default destination.");
        assert_eq!(no_printer.code, ErrorCode::Unavailable);
        assert_eq!(no_printer.message, NO_PRINTER);
        assert_eq!(
            platform::classify("lp: the printer or class does not exist.").message,
            NO_PRINTER
        );
        let down = platform::classify("lp: error - scheduler not responding.");
        assert_eq!(down.code, ErrorCode::Unavailable);
        assert!(down.message.contains("printing service"));
        let other = platform::classify("lp: something else entirely");
        assert_eq!(other.code, ErrorCode::Internal);
    }

    fn lp_is_installed() -> bool {
        std::env::var_os("PATH").is_some_and(|path| {
            std::env::split_paths(&path).any(|dir| {
                std::fs::metadata(dir.join("lp")).is_ok_and(|m| {
                    use std::os::unix::fs::PermissionsExt;
                    m.is_file() && m.permissions().mode() & 0o111 != 0
                })
            })
        })
    }

    /// The real `lp` (CI installs cups-client, so it must be here), asked for a queue that does
    /// not exist: the plain "no printer" message. (With cupsd not running, lp gives the same
    /// answer.)
    #[test]
    fn a_missing_printer_is_reported_plainly() {
        assert!(
            lp_is_installed(),
            "This test runs CUPS' real lp: install cups-client (bash .ci/test does)."
        );
        let queue = PrintQueue {
            destination: Some("cfp-no-such-printer".into()),
        };
        let err = print_pdf(b"%PDF-1.7\n", "Remittance advice", &queue).unwrap_err();
        assert_eq!(err.code, ErrorCode::Unavailable);
        assert_eq!(err.message, NO_PRINTER);
    }

    /// A computer with no CUPS client at all: the same plain message, never a spawn error.
    #[test]
    fn no_printing_system_at_all_is_reported_plainly() {
        let queue = PrintQueue::default();
        let err = platform::print_with(
            "/nonexistent/cfp-no-lp-here/lp",
            b"%PDF-1.7\n",
            "Remittance advice",
            &queue,
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::Unavailable);
        assert_eq!(err.message, NO_PRINTER);
    }
}
