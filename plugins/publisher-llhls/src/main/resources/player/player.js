// Kiln's player page: lists the live streams of GET /streams and plays one of them with hls.js
// in low-latency mode (or the browser's own HLS where it has it). ?app=…&stream=… plays that
// stream at once. What the page shows is also kept in window.kilnPlayer, for tests and for a
// look from the browser console.
(function () {
  'use strict';

  var LIST_REFRESH_MS = 3000;
  var RETRY_MS = 2000;
  var FACTS_REFRESH_MS = 250;

  var video = document.getElementById('video');
  var listEl = document.getElementById('streams');
  var listStatusEl = document.getElementById('streams-status');
  var titleEl = document.getElementById('now-playing');
  var stateEl = document.getElementById('state');
  var engineEl = document.getElementById('engine');
  var latencyEl = document.getElementById('latency');
  var positionEl = document.getElementById('position');
  var playlistEl = document.getElementById('playlist');
  var errorEl = document.getElementById('error');

  // state: idle | loading | playing | waiting | retrying | error
  var status = {
    app: null,
    stream: null,
    playlist: null,
    engine: null,
    state: 'idle',
    latencySeconds: null,
    currentTime: 0,
    error: null,
    warnings: 0,
    lastWarning: null
  };
  window.kilnPlayer = status;

  var hls = null;
  var retryTimer = null;
  var mediaRecoveries = 0;

  function playlistUrl(app, stream) {
    return '/' + encodeURIComponent(app) + '/' + encodeURIComponent(stream) + '/llhls.m3u8';
  }

  function pageUrl(app, stream) {
    return '?app=' + encodeURIComponent(app) + '&stream=' + encodeURIComponent(stream);
  }

  function setState(state) {
    status.state = state;
    stateEl.textContent = state;
  }

  function showError(message) {
    status.error = message;
    errorEl.textContent = message;
    errorEl.hidden = false;
  }

  function clearError() {
    status.error = null;
    errorEl.textContent = '';
    errorEl.hidden = true;
  }

  function nativeHls() {
    return video.canPlayType('application/vnd.apple.mpegurl') !== '';
  }

  function stop() {
    if (retryTimer !== null) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    if (hls !== null) {
      hls.destroy();
      hls = null;
    }
    video.removeAttribute('src');
    video.load();
  }

  function retryLater(reason) {
    stop();
    showError(reason + ' (retrying in ' + RETRY_MS / 1000 + ' s)');
    setState('retrying');
    retryTimer = setTimeout(function () {
      retryTimer = null;
      start();
    }, RETRY_MS);
  }

  function startWithHlsJs(url) {
    status.engine = 'hls.js ' + Hls.version;
    hls = new Hls({
      lowLatencyMode: true,
      // Catch up when playback falls behind the target latency (after a stall, say).
      maxLiveSyncPlaybackRate: 1.5,
      backBufferLength: 30
    });
    hls.on(Hls.Events.MANIFEST_PARSED, function () {
      var playing = video.play();
      if (playing && playing.catch) {
        playing.catch(function (e) {
          showError('the browser did not start playback: ' + e.message + ' (press play)');
        });
      }
    });
    hls.on(Hls.Events.ERROR, function (event, data) {
      var what = data.type + ': ' + data.details + (data.response && data.response.code
          ? ' (HTTP ' + data.response.code + ')' : '');
      if (!data.fatal) {
        status.warnings++;
        status.lastWarning = what;
        return;
      }
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries < 3) {
        mediaRecoveries++;
        showError(what + ', recovering');
        hls.recoverMediaError();
        return;
      }
      retryLater(what);
    });
    hls.loadSource(url);
    hls.attachMedia(video);
  }

  function startNative(url) {
    status.engine = 'native HLS';
    video.src = url;
    var playing = video.play();
    if (playing && playing.catch) {
      playing.catch(function (e) {
        showError('the browser did not start playback: ' + e.message + ' (press play)');
      });
    }
  }

  function start() {
    if (status.playlist === null) {
      return;
    }
    setState('loading');
    if (window.Hls && Hls.isSupported()) {
      startWithHlsJs(status.playlist);
    } else if (nativeHls()) {
      startNative(status.playlist);
    } else {
      status.engine = null;
      setState('error');
      showError('this browser can play HLS neither with Media Source Extensions nor natively');
    }
    engineEl.textContent = status.engine || '-';
  }

  function play(app, stream) {
    stop();
    clearError();
    mediaRecoveries = 0;
    status.app = app;
    status.stream = stream;
    status.playlist = playlistUrl(app, stream);
    status.latencySeconds = null;
    titleEl.textContent = app + '/' + stream;
    playlistEl.textContent = status.playlist;
    markCurrent();
    start();
  }

  // The wall-clock time of the frame on screen, from the playlist's EXT-X-PROGRAM-DATE-TIME.
  function playingDate() {
    if (hls !== null) {
      return hls.playingDate;
    }
    if (status.engine === 'native HLS' && typeof video.getStartDate === 'function') {
      var start = video.getStartDate().getTime();
      if (!isNaN(start)) {
        return new Date(start + video.currentTime * 1000);
      }
    }
    return null;
  }

  function refreshFacts() {
    status.currentTime = video.currentTime;
    positionEl.textContent = status.playlist === null ? '-' : video.currentTime.toFixed(1) + ' s';
    var date = playingDate();
    if (date && !isNaN(date.getTime()) && video.currentTime > 0) {
      status.latencySeconds = (Date.now() - date.getTime()) / 1000;
      latencyEl.textContent = status.latencySeconds.toFixed(2) + ' s';
    } else {
      latencyEl.textContent = '-';
    }
  }

  video.addEventListener('playing', function () {
    setState('playing');
    clearError();
  });
  video.addEventListener('waiting', function () {
    if (status.state === 'playing') {
      setState('waiting');
    }
  });
  video.addEventListener('error', function () {
    if (hls === null && status.engine === 'native HLS' && video.error) {
      retryLater('media error ' + video.error.code + (video.error.message ? ': ' + video.error.message : ''));
    }
  });

  function markCurrent() {
    var links = listEl.querySelectorAll('a');
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      var current = a.dataset.app === status.app && a.dataset.stream === status.stream;
      a.classList.toggle('current', current);
    }
  }

  function renderList(streams) {
    listEl.textContent = '';
    streams.forEach(function (s) {
      var a = document.createElement('a');
      a.href = pageUrl(s.app, s.stream);
      a.dataset.app = s.app;
      a.dataset.stream = s.stream;
      a.textContent = s.app + '/' + s.stream + (s.vhost && s.vhost !== 'default' ? ' (' + s.vhost + ')' : '');
      a.addEventListener('click', function (e) {
        e.preventDefault();
        history.pushState(null, '', a.href);
        play(s.app, s.stream);
      });
      var li = document.createElement('li');
      li.appendChild(a);
      listEl.appendChild(li);
    });
    listStatusEl.textContent = streams.length === 0 ? 'no live streams' : '';
    listStatusEl.hidden = streams.length !== 0;
    markCurrent();
  }

  function refreshList() {
    fetch('/streams', {cache: 'no-store'})
      .then(function (r) {
        if (!r.ok) {
          throw new Error('HTTP ' + r.status);
        }
        return r.json();
      })
      .then(function (body) {
        renderList(Array.isArray(body.streams) ? body.streams : []);
      })
      .catch(function (e) {
        listStatusEl.hidden = false;
        listStatusEl.textContent = 'stream list unavailable: ' + e.message;
      })
      .then(function () {
        setTimeout(refreshList, LIST_REFRESH_MS);
      });
  }

  function fromLocation() {
    var q = new URLSearchParams(location.search);
    var app = q.get('app');
    var stream = q.get('stream');
    if (app && stream) {
      play(app, stream);
    } else {
      stop();
      status.app = status.stream = status.playlist = null;
      titleEl.textContent = 'Nothing playing';
      playlistEl.textContent = '-';
      setState('idle');
      markCurrent();
    }
  }

  window.addEventListener('popstate', fromLocation);
  setInterval(refreshFacts, FACTS_REFRESH_MS);
  fromLocation();
  refreshList();
})();
