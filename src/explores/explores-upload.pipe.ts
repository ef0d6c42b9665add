import { Injectable, type PipeTransform } from '@nestjs/common';
import { type ExploresUpload, parseExploresUpload } from './explore-upload.js';

/** The body of PUT /projects/{p}/explores is an array, which the global pipe does not validate. */
@Injectable()
export class ExploresUploadPipe implements PipeTransform<unknown, ExploresUpload> {
  transform(value: unknown): ExploresUpload {
    return parseExploresUpload(value);
  }
}
