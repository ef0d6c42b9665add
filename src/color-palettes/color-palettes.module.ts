import { Module } from '@nestjs/common';
import { ColorPalettesController } from './color-palettes.controller.js';
import { ColorPalettesService } from './color-palettes.service.js';

@Module({
  controllers: [ColorPalettesController],
  providers: [ColorPalettesService],
})
export class ColorPalettesModule {}
