//! A tiny loopback TCP proxy that cuts the connection in the middle of the Nth response body.
//!
//! Requests go through untouched. Responses are framed just enough to count them on every
//! connection (status line and headers, then a body by `Content-Length` or chunked transfer
//! coding), so the cut lands inside a body, not between responses.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};

pub struct CuttingProxy {
    pub addr: SocketAddr,
    /// The response (counted from 1 across all connections) to cut; 0 cuts none.
    pub cut_response: Arc<AtomicUsize>,
    pub responses: Arc<AtomicUsize>,
    pub cuts: Arc<AtomicUsize>,
    /// After this response (counted as `cut_response` is) is passed on whole, every later
    /// answer is held back, and `held` is told; 0 holds none.
    pub hold_after: Arc<AtomicUsize>,
    pub held: Arc<tokio::sync::Notify>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for CuttingProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CuttingProxy {
    pub async fn start(upstream: SocketAddr, cut_response: usize) -> CuttingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let cut = Arc::new(AtomicUsize::new(cut_response));
        let responses = Arc::new(AtomicUsize::new(0));
        let cuts = Arc::new(AtomicUsize::new(0));
        let hold_after = Arc::new(AtomicUsize::new(0));
        let held = Arc::new(tokio::sync::Notify::new());
        let (c, r, k) = (cut.clone(), responses.clone(), cuts.clone());
        let (h, n) = (hold_after.clone(), held.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let (c, r, k) = (c.clone(), r.clone(), k.clone());
                let (h, n) = (h.clone(), n.clone());
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    let requests = tokio::spawn(forward_requests(client_read, server_write));
                    let hold = Hold {
                        after: &h,
                        held: &n,
                    };
                    let _ = forward_responses(server_read, client_write, &c, &r, &k, hold).await;
                    // Cut or closed: the request side goes too, so the client sees the
                    // connection end.
                    requests.abort();
                });
            }
        });
        CuttingProxy {
            addr,
            cut_response: cut,
            responses,
            cuts,
            hold_after,
            held,
            task,
        }
    }
}

async fn forward_requests(mut from: OwnedReadHalf, mut to: OwnedWriteHalf) {
    let _ = tokio::io::copy(&mut from, &mut to).await;
    let _ = to.shutdown().await;
}

/// Where to stop passing answers on, and whom to tell.
struct Hold<'a> {
    after: &'a AtomicUsize,
    held: &'a tokio::sync::Notify,
}

/// Forwards responses one by one; returns when either side closes, or after the cut.
async fn forward_responses(
    from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    cut: &AtomicUsize,
    responses: &AtomicUsize,
    cuts: &AtomicUsize,
    hold: Hold<'_>,
) -> std::io::Result<()> {
    let mut from = BufReader::new(from);
    let mut last_whole = 0;
    loop {
        // The answer before this one went out whole: hold everything after it if asked.
        let after = hold.after.load(Ordering::SeqCst);
        if after != 0 && responses.load(Ordering::SeqCst) >= after {
            if last_whole == after {
                to.flush().await?;
                hold.held.notify_one();
            }
            return std::future::pending().await;
        }
        // The status line and headers.
        let mut head = Vec::new();
        let mut content_length: Option<usize> = None;
        let mut chunked = false;
        let mut status = 0u16;
        loop {
            let mut line = Vec::new();
            if from.read_until(b'\n', &mut line).await? == 0 {
                return Ok(()); // The server closed the connection between responses.
            }
            head.extend_from_slice(&line);
            let text = String::from_utf8_lossy(&line).to_ascii_lowercase();
            let text = text.trim_end();
            if status == 0 {
                status = text
                    .split_whitespace()
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
            } else if text.is_empty() {
                break;
            } else if let Some(value) = text.strip_prefix("content-length:") {
                content_length = value.trim().parse().ok();
            } else if let Some(value) = text.strip_prefix("transfer-encoding:") {
                chunked = value.contains("chunked");
            }
        }
        let number = responses.fetch_add(1, Ordering::SeqCst) + 1;
        let cutting = number == cut.load(Ordering::SeqCst);
        to.write_all(&head).await?;
        let has_body = !(status == 204 || status == 304 || (100..200).contains(&status));
        if !has_body {
            last_whole = number;
            continue;
        }
        if chunked {
            loop {
                let mut size_line = Vec::new();
                from.read_until(b'\n', &mut size_line).await?;
                let size_text = String::from_utf8_lossy(&size_line);
                let size_text = size_text.trim().split(';').next().unwrap_or("").to_owned();
                let size = usize::from_str_radix(&size_text, 16).unwrap_or(0);
                to.write_all(&size_line).await?;
                if size == 0 {
                    // Trailers, then the blank line.
                    loop {
                        let mut line = Vec::new();
                        from.read_until(b'\n', &mut line).await?;
                        to.write_all(&line).await?;
                        if line == b"\r\n" || line.is_empty() {
                            break;
                        }
                    }
                    last_whole = number;
                    break;
                }
                let mut data = vec![0u8; size + 2];
                from.read_exact(&mut data).await?;
                if cutting {
                    to.write_all(&data[..size / 2]).await?;
                    return cut_here(to, cuts).await;
                }
                to.write_all(&data).await?;
            }
        } else {
            let length = content_length.unwrap_or(0);
            let mut data = vec![0u8; length];
            from.read_exact(&mut data).await?;
            if cutting && length > 1 {
                to.write_all(&data[..length / 2]).await?;
                return cut_here(to, cuts).await;
            }
            to.write_all(&data).await?;
            last_whole = number;
        }
    }
}

async fn cut_here(mut to: OwnedWriteHalf, cuts: &AtomicUsize) -> std::io::Result<()> {
    to.flush().await?;
    cuts.fetch_add(1, Ordering::SeqCst);
    // Dropping both halves closes the socket: the client is left with half a body.
    drop(to);
    Ok(())
}

/// A loopback TCP proxy whose answers come through a slow link: `bytes_per_second` at most,
/// in small slices. Requests go through at full speed.
pub struct SlowProxy {
    pub addr: SocketAddr,
    /// Bytes of answers forwarded so far.
    pub forwarded: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SlowProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SlowProxy {
    pub async fn start(upstream: SocketAddr, bytes_per_second: usize) -> SlowProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let forwarded = Arc::new(AtomicUsize::new(0));
        let f = forwarded.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let f = f.clone();
                tokio::spawn(async move {
                    let Ok(server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let (client_read, client_write) = client.into_split();
                    let (server_read, server_write) = server.into_split();
                    let requests = tokio::spawn(forward_requests(client_read, server_write));
                    let _ = trickle(server_read, client_write, bytes_per_second, &f).await;
                    requests.abort();
                });
            }
        });
        SlowProxy {
            addr,
            forwarded,
            task,
        }
    }
}

/// Copies `from` to `to` a tenth of a second's worth at a time, pausing between slices as a
/// slow link would (the pause is the fault being simulated, not a wait for the test).
async fn trickle(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    bytes_per_second: usize,
    forwarded: &AtomicUsize,
) -> std::io::Result<()> {
    let mut slice = vec![0u8; (bytes_per_second / 10).max(1)];
    loop {
        let read = from.read(&mut slice).await?;
        if read == 0 {
            return to.shutdown().await;
        }
        to.write_all(&slice[..read]).await?;
        forwarded.fetch_add(read, Ordering::SeqCst);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
