import { splitImage } from './image-name.js';

describe('container_image and container_version', () => {
  it('split a tagged reference at its tag', () => {
    expect(splitImage('nginx:1.27')).toEqual({ image: 'nginx', version: '1.27' });
    expect(splitImage('team/app:v2')).toEqual({ image: 'team/app', version: 'v2' });
  });

  it('keep a registry port in the image name', () => {
    expect(splitImage('registry.local:5000/team/app:3.1')).toEqual({ image: 'registry.local:5000/team/app', version: '3.1' });
    expect(splitImage('registry.local:5000/team/app')).toEqual({ image: 'registry.local:5000/team/app', version: 'unknown' });
  });

  it('report "unknown" for an untagged reference and drop a digest', () => {
    expect(splitImage('redis')).toEqual({ image: 'redis', version: 'unknown' });
    expect(splitImage('redis@sha256:0123abcd')).toEqual({ image: 'redis', version: 'unknown' });
    expect(splitImage('redis:7@sha256:0123abcd')).toEqual({ image: 'redis', version: '7' });
  });
});
